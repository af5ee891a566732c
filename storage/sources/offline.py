"""Source answers saved to files, imported like any page: a saved Hugging Face papers page, HF
API JSON, an arXiv API (Atom) answer, an RSS/Atom feed, a plain list of arXiv ids or URLs."""

from __future__ import annotations

from storage.model.errors import ImportFormatError
from storage.model.imported import ImportedPaper
from storage.sources.convert import imported, placeholder
from storage.sources.detect import detect
from storage.sources.errors import SourceError


def load_source(data: bytes, source: str) -> list[ImportedPaper] | None:
    """The papers of `data` if it is one of the source formats; None if it is not."""
    kind = detect(data)
    if kind is None and _is_html(data):
        raise ImportFormatError(source, "an HTML page that is not a saved Hugging Face papers page (expected "
                                "huggingface.co/papers saved as HTML, a feed, or a page's text)")
    if kind is None:
        return None
    if kind == "arxiv-ids":
        from storage.sources.parse_ids import parse_id_list

        return [placeholder(arxiv_id) for arxiv_id in parse_id_list(data, source)]
    try:
        papers = _parser(kind)(data, source)
    except SourceError as error:
        raise ImportFormatError(source, error.reason) from None
    if not papers:
        raise ImportFormatError(source, f"no papers found: the {_NAMES[kind]} lists none")
    return [imported(paper) for paper in papers if paper.title]


def _is_html(data: bytes) -> bool:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html"))


_NAMES = {"hf-json": "Hugging Face answer", "hf-html": "Hugging Face page", "arxiv-atom": "arXiv answer", "feed": "feed"}


def _parser(kind: str):
    if kind == "hf-json":
        from storage.sources.parse_hf import parse_hf_json as parse
    elif kind == "hf-html":
        from storage.sources.parse_hf import parse_hf_html as parse
    elif kind == "arxiv-atom":
        from storage.sources.parse_arxiv import parse_arxiv_atom as parse
    else:
        from storage.sources.parse_feed import parse_feed as parse
    return parse
