"""Formats in and out: one module per format (trending page, BibTeX, JSON, Markdown, CSV)."""
