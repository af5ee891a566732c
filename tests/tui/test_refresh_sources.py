"""`R`: the sources fetched last are fetched again and papers enriched, in a worker, against a
real local server; the list updates as papers arrive and the keys keep working."""

from __future__ import annotations

import threading

from werkzeug import Request, Response

from storage.sources import fetching
from storage.sources.http import Client
from tests.storage.sources.conftest import data


async def test_r_fetches_the_remembered_source_and_the_new_papers_are_listed(endpoints, sample_library, tui):
    answers = [b"[]", data("hf-daily.json")]  # the first fetch (from the command line) found none
    answer_now = threading.Event()

    def daily(request: Request) -> Response:
        if len(answers) == 1:
            answer_now.wait(10)  # the TUI's fetch waits here while the test presses keys
        return Response(answers.pop(0) if len(answers) > 1 else answers[0], content_type="application/json")

    endpoints.expect_request("/api/daily_papers").respond_with_handler(daily)
    endpoints.expect_request("/api/query").respond_with_data(data("arxiv-entries.xml"), content_type="application/atom+xml")
    with Client(timeout=5, use_cache=False) as client:  # (a minute later, as far as the cache is concerned)
        fetching.fetch_hf(sample_library, client, trending=True)
    assert len(sample_library) == 48

    async with tui(sample_library) as shelf:
        await shelf.press("R")
        assert "fetching" in shelf.counts
        await shelf.press("j", "s")  # keys keep working while it fetches
        assert shelf.main.papers.cursor == 1 and "1 starred" in shelf.counts
        answer_now.set()
        await shelf.settle()
        assert len(shelf.listed) == 50 and shelf.counts.startswith("50 papers")
        assert "fetching" not in shelf.counts and "enriching" not in shelf.counts
        assert any(t.startswith("Hugging Face trending: 2 papers (2 new") for t in shelf.toasts), shelf.toasts


async def test_r_with_a_failing_source_says_so_and_changes_nothing(endpoints, sample_library, tui):
    sample_library.set_setting(fetching.RECENT, [{"kind": "arxiv", "categories": ["cs.LG"]}])
    endpoints.expect_request("/rss/cs.LG").respond_with_response(Response("down", status=503))
    before = [e.paper for e in sample_library.entries()]
    async with tui(sample_library) as shelf:
        await shelf.press("R")
        await shelf.settle()
        assert any("arXiv RSS: HTTP 503" in t for t in shelf.toasts), shelf.toasts
        assert "fetching" not in shelf.counts
    assert [e.paper for e in sample_library.entries()] == before


async def test_r_without_a_fetched_source_enriches_and_leaves_unmatched_papers_alone(endpoints, sample_library, tui):
    endpoints.expect_request("/api/daily_papers").respond_with_data("[]", content_type="application/json")
    endpoints.expect_request("/api/query").respond_with_data(data("arxiv-empty.xml"), content_type="application/atom+xml")
    before = [e.paper for e in sample_library.entries()]
    async with tui(sample_library) as shelf:
        await shelf.press("R")
        await shelf.settle()
        assert shelf.toasts[-1] == "enriched 0 of 48 papers; 20 with no exact match, unchanged; 28 left for the next run"
    assert [e.paper for e in sample_library.entries()] == before
    searches = [r for r, _ in endpoints.log if r.path == "/api/query"]
    assert len(searches) == 20  # the title searches of one R are capped (arXiv asks 3 s between them)
