"""Where the sources are: settings read at call time, so mirrors and tests can point elsewhere."""

from __future__ import annotations

import os

HF_URL = "https://huggingface.co"
ARXIV_API_URL = "https://export.arxiv.org/api/query"
ARXIV_RSS_URL = "https://rss.arxiv.org/rss"
ARXIV_DELAY = 3.0  # seconds between arXiv requests (arXiv's terms of use)


def hf_url() -> str:
    """The Hugging Face site (`PAPERSHELF_HF_URL`), without a trailing slash."""
    return _setting("PAPERSHELF_HF_URL", HF_URL)


def arxiv_api_url() -> str:
    """The arXiv API query endpoint (`PAPERSHELF_ARXIV_API_URL`)."""
    return _setting("PAPERSHELF_ARXIV_API_URL", ARXIV_API_URL)


def arxiv_rss_url() -> str:
    """The arXiv RSS base (`PAPERSHELF_ARXIV_RSS_URL`); categories are appended as a path."""
    return _setting("PAPERSHELF_ARXIV_RSS_URL", ARXIV_RSS_URL)


def arxiv_delay() -> float:
    """Seconds between two arXiv requests (`PAPERSHELF_ARXIV_DELAY`, default 3; never negative)."""
    value = os.environ.get("PAPERSHELF_ARXIV_DELAY", "").strip()
    try:
        return max(0.0, float(value)) if value else ARXIV_DELAY
    except ValueError:
        return ARXIV_DELAY


def _setting(name: str, default: str) -> str:
    return (os.environ.get(name, "").strip() or default).rstrip("/")
