"""Exporters: podcast RSS, JSON/JSONL/CSV records, OPML and Markdown."""
