"""Answers in the sources' documented formats, written for the papers a test needs: an HF
daily list (the API's JSON) and an arXiv API feed (Atom with the arxiv: extensions)."""

from __future__ import annotations

import json
from typing import NamedTuple
from xml.sax.saxutils import escape


class Known(NamedTuple):
    title: str
    arxiv_id: str
    authors: tuple[str, ...]
    published: str  # ISO date
    category: str = "cs.LG"


def hf_daily(papers: list[Known], day: str) -> bytes:
    items = [{
        "paper": {"id": p.arxiv_id, "title": p.title, "summary": f"Abstract of {p.title}.",
                  "authors": [{"_id": f"a{n}", "name": name, "hidden": False} for n, name in enumerate(p.authors)],
                  "publishedAt": f"{p.published}T17:00:00.000Z", "submittedOnDailyAt": f"{day}T01:00:00.000Z",
                  "upvotes": 10 + n},
        "title": p.title, "publishedAt": f"{p.published}T17:00:00.000Z", "numComments": 0,
    } for n, p in enumerate(papers)]  # fmt: skip
    return json.dumps(items).encode()


def arxiv_feed(papers: list[Known]) -> bytes:
    entries = "".join(_entry(p) for p in papers)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <link href="http://arxiv.org/api/query?x" rel="self" type="application/atom+xml"/>
  <title type="html">ArXiv Query</title>
  <id>http://arxiv.org/api/test</id>
  <updated>2026-03-12T00:00:00-04:00</updated>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">{len(papers)}</opensearch:totalResults>
  <opensearch:startIndex xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">0</opensearch:startIndex>
  <opensearch:itemsPerPage xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">{len(papers)}</opensearch:itemsPerPage>
{entries}</feed>
""".encode()


def _entry(p: Known) -> str:
    authors = "".join(f"<author><name>{escape(name)}</name></author>" for name in p.authors)
    return f"""  <entry>
    <id>http://arxiv.org/abs/{p.arxiv_id}v1</id>
    <updated>{p.published}T18:00:00Z</updated>
    <published>{p.published}T18:00:00Z</published>
    <title>{escape(p.title)}</title>
    <summary>Abstract of {escape(p.title)}.</summary>
    {authors}
    <link href="http://arxiv.org/abs/{p.arxiv_id}v1" rel="alternate" type="text/html"/>
    <link title="pdf" href="http://arxiv.org/pdf/{p.arxiv_id}v1" rel="related" type="application/pdf"/>
    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="{p.category}" scheme="http://arxiv.org/schemas/atom"/>
    <category term="{p.category}" scheme="http://arxiv.org/schemas/atom"/>
  </entry>
"""
