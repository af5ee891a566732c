"""Which source format a saved file (or an answer) is, recognised by its content."""

from __future__ import annotations

import json
import re
from typing import Literal

from storage.sources.parse_hf import is_item
from storage.sources.parse_ids import is_id_list

Kind = Literal["hf-json", "hf-html", "arxiv-atom", "feed", "arxiv-ids"]

_XML_ROOT = re.compile(rb"<(?:[\w-]+:)?(rss|feed|RDF)[\s>]")
_ARXIV_API_MARK = re.compile(rb"arxiv\.org/api|opensearch", re.IGNORECASE)


def detect(data: bytes) -> Kind | None:
    """The kind of `data`, or None if it is none of the source formats."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:4096]
    if head[:1] in (b"[", b"{"):
        return "hf-json" if _is_hf_json(data) else None
    if head[:1] == b"<":
        return _markup_kind(data, head)
    return "arxiv-ids" if is_id_list(data.decode("utf-8-sig", errors="replace")) else None


def _is_hf_json(data: bytes) -> bool:
    try:
        value = json.loads(data)
    except ValueError:
        return False
    items = value if isinstance(value, list) else [value]
    return bool(items) and all(is_item(item) for item in items)


def _markup_kind(data: bytes, head: bytes) -> Kind | None:
    lowered = head.lower()
    if lowered.startswith((b"<!doctype html", b"<html")) or b"<html" in lowered:
        return "hf-html" if b'data-target="DailyPapers"' in data else None
    root = _XML_ROOT.search(head)
    if not root:
        return None
    return "arxiv-atom" if root.group(1) == b"feed" and _ARXIV_API_MARK.search(head) else "feed"
