"""Orchestration: ingest, summaries and matching, decisions, scans, tagging."""
