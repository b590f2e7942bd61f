"""Exporters: pure writers of the catalog as JSON, JSONL, CSV, OPML, Markdown and RSS."""
