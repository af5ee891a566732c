"""A paper's web links, labelled and in a fixed order (abstract, PDF, Hugging Face, code, project
page, then the others as the paper lists them); for a paper without any, searches for its title.

Free of Textual: the detail pane numbers its links as the `o` chooser does, from here."""

from __future__ import annotations

from typing import NamedTuple
from urllib.parse import quote_plus, urlsplit

from storage import Paper, hf_url

ARXIV_TITLE_SEARCH = "https://arxiv.org/search/?query={}&searchtype=title"
ABSTRACT, PDF, HF_PAGE, CODE, PROJECT = "arXiv abstract", "PDF", "Hugging Face page", "Code", "Project page"
KINDS = (ABSTRACT, PDF, HF_PAGE, CODE, PROJECT)  # the order of the labelled kinds; others come after
CODE_HOSTS = ("github.com", "gitlab.com", "codeberg.org", "bitbucket.org")


class LinkChoice(NamedTuple):
    label: str
    url: str


def web_links(paper: Paper) -> list[LinkChoice]:
    """The paper's http(s) links (those its details name too), labelled, in KINDS order."""
    details = paper.details
    urls = (*paper.links, details.hf_url, details.code_url, details.project_url)
    labelled = [LinkChoice(label_of(url, paper), url) for url in dict.fromkeys(u.strip() for u in urls) if is_web(url)]
    rank = {kind: n for n, kind in enumerate(KINDS)}
    return sorted(labelled, key=lambda choice: rank.get(choice.label, len(KINDS)))  # stable: others keep their order


def title_searches(title: str) -> list[LinkChoice]:
    query = quote_plus(" ".join(title.split()))
    return [
        LinkChoice("Search arXiv for this title", ARXIV_TITLE_SEARCH.format(query)),
        LinkChoice("Search Hugging Face for this title", f"{hf_url()}/papers?q={query}"),
    ]


def is_web(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def label_of(url: str, paper: Paper) -> str:
    """What the link is: a kind of KINDS, or else its host name."""
    details = paper.details
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    path = parts.path
    if host == "arxiv.org" and path.startswith("/abs/"):
        return ABSTRACT
    if (host == "arxiv.org" and path.startswith("/pdf/")) or path.lower().endswith(".pdf"):
        return PDF
    if url == details.hf_url or (host in ("huggingface.co", _hf_host()) and path.startswith("/papers/")):
        return HF_PAGE
    if url == details.code_url or (host in CODE_HOSTS and url != details.project_url):
        return CODE
    if url == details.project_url:
        return PROJECT
    return host or url


def _hf_host() -> str:
    return (urlsplit(hf_url()).hostname or "").removeprefix("www.")
