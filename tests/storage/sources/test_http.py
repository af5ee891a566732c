"""The client against a real local server: failures, retries, pacing, size limit, cache."""

from __future__ import annotations

import os
import socket
import threading

import pytest
from werkzeug import Response

from storage.sources import arxiv, hf
from storage.sources.errors import SourceError
from storage.sources.http import Client, Pacer
from tests.storage.sources.conftest import data


def requests_to(server, path: str) -> int:
    """Requests the server answered on this path (a slow request of another test may land late)."""
    return sum(request.path == path for request, _ in server.log)


def atom(name: str, status: int = 200) -> Response:
    return Response(data(name), status=status, content_type="application/atom+xml")


def test_hf_daily_over_http(endpoints, client):
    endpoints.expect_request("/api/daily_papers", query_string="date=2024-03-05").respond_with_data(
        data("hf-daily.json"), content_type="application/json"
    )
    papers = hf.fetch_daily(client, date="2024-03-05")
    assert [paper.arxiv_id for paper in papers] == ["2403.01234", "2403.00987"]


def test_arxiv_bad_id_answers_400_with_its_reason(endpoints, client):
    endpoints.expect_request("/api/query").respond_with_response(atom("arxiv-error.xml", 400))
    with pytest.raises(SourceError) as caught:
        arxiv.fetch_ids(client, ["2403.9999999"])
    assert str(caught.value) == "arXiv API: error: incorrect id format for 2403.9999999"


def test_arxiv_zero_results_and_near_miss_are_lists(endpoints, client):
    endpoints.expect_request("/api/query", query_string={"search_query": 'ti:"No Such Paper"', "max_results": "5"}).respond_with_response(atom("arxiv-empty.xml"))
    endpoints.expect_request("/api/query").respond_with_response(atom("arxiv-near-miss.xml"))
    assert arxiv.search_title(client, "No Such Paper!") == []
    (candidate,) = arxiv.search_title(client, "Tide-Aware Credit Assignment for Long-Horizon Embodied Agents")
    assert candidate.title == "Tide-Aware Credit Assignment for Short-Horizon Agents"


def test_429_waits_as_retry_after_says_then_succeeds(endpoints, client, clock):
    endpoints.expect_oneshot_request("/api/papers/2403.01234").respond_with_data("slow down", status=429, headers={"Retry-After": "7"})
    endpoints.expect_request("/api/papers/2403.01234").respond_with_data(data("hf-paper.json"))
    assert hf.fetch_paper(client, "2403.01234").arxiv_id == "2403.01234"
    assert clock.sleeps == [7.0]
    assert client.requests == 2


def test_503_backs_off_exponentially_a_bounded_number_of_times(endpoints, client, clock):
    endpoints.expect_request("/api/daily_papers").respond_with_data("busy", status=503)
    with pytest.raises(SourceError, match=r"^Hugging Face: HTTP 503 SERVICE UNAVAILABLE from .*/api/daily_papers \(after 3 retries\)$"):
        hf.fetch_daily(client)
    assert clock.sleeps == [1.0, 2.0, 4.0]
    assert requests_to(endpoints, "/api/daily_papers") == 4


def test_retry_after_beyond_the_limit_is_an_error_at_once(endpoints, client, clock):
    endpoints.expect_request("/api/daily_papers").respond_with_data("", status=429, headers={"Retry-After": "3600"})
    with pytest.raises(SourceError, match="asked to wait 3600 s"):
        hf.fetch_daily(client)
    assert clock.sleeps == [] and requests_to(endpoints, "/api/daily_papers") == 1


def test_500_is_one_line_naming_the_source(endpoints, client):
    endpoints.expect_request("/api/daily_papers").respond_with_data("oops", status=500)
    with pytest.raises(SourceError, match=r"^Hugging Face: HTTP 500 INTERNAL SERVER ERROR from \S+/api/daily_papers$"):
        hf.fetch_daily(client)
    assert requests_to(endpoints, "/api/daily_papers") == 1  # a 500 is not retried


def test_404_paper_is_none(endpoints, client):
    endpoints.expect_request("/api/papers/2403.00000").respond_with_data('{"error": "Paper not found"}', status=404)
    assert hf.fetch_paper(client, "2403.00000") is None


def test_html_page_instead_of_json(endpoints, client):
    endpoints.expect_request("/api/daily_papers").respond_with_data(data("not-json.html"), content_type="text/html")
    with pytest.raises(SourceError, match="^Hugging Face: answered with an HTML page where JSON was expected$"):
        hf.fetch_daily(client)


def test_truncated_body(endpoints, client):
    body = data("hf-daily.json")
    response = Response(body[:200], content_type="application/json")
    response.headers["Content-Length"] = str(len(body))
    response.automatically_set_content_length = False
    endpoints.expect_request("/api/daily_papers").respond_with_response(response)
    with pytest.raises(SourceError, match=r"^Hugging Face: the answer from \S+/api/daily_papers was cut off"):
        hf.fetch_daily(client)


def test_oversized_body(endpoints, clock):
    endpoints.expect_request("/api/daily_papers").respond_with_data(b"[" + b" " * 5000 + b"]")
    with Client(max_bytes=1000, pacer=Pacer(clock, clock.sleep)) as small, pytest.raises(SourceError, match="is larger than 1,000 bytes"):
        hf.fetch_daily(small)


def test_oversized_body_without_content_length(endpoints, clock):
    endpoints.expect_request("/rss/cs.LG").respond_with_response(Response(iter([b"<rss>" + b" " * 800] * 5)))
    with Client(max_bytes=1000, pacer=Pacer(clock, clock.sleep)) as small, pytest.raises(SourceError, match="^arXiv RSS: .* is larger than"):
        arxiv.fetch_listing(small, ["cs.LG"])


def test_connection_refused(monkeypatch, client):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("PAPERSHELF_ARXIV_API_URL", f"http://127.0.0.1:{port}/api/query")
    with pytest.raises(SourceError, match=rf"^arXiv API: cannot connect to 127\.0\.0\.1:{port} \(connection refused\)$"):
        arxiv.fetch_ids(client, ["2403.01234"])


def test_timeout(endpoints, clock):
    release = threading.Event()
    endpoints.expect_request("/api/daily_papers").respond_with_handler(lambda request: release.wait(5) and Response("[]"))
    with Client(timeout=0.1, pacer=Pacer(clock, clock.sleep)) as impatient, pytest.raises(SourceError, match="no answer from .* within 0.1 s"):
        hf.fetch_daily(impatient)
    release.set()


def test_non_loopback_hosts_are_refused_by_the_guard(client, no_network, monkeypatch):
    monkeypatch.setenv("PAPERSHELF_HF_URL", "https://papers.invalid")  # (.invalid: never a real host)
    with pytest.raises(SourceError, match="^Hugging Face: cannot connect to papers.invalid"):
        hf.fetch_daily(client)
    assert no_network == ["resolve papers.invalid"]
    no_network.clear()  # the attempt was this test's point


def test_cache_makes_a_rerun_send_no_request(endpoints, clock, cache_dir):
    endpoints.expect_request("/api/query").respond_with_response(atom("arxiv-entries.xml"))
    with Client(pacer=Pacer(clock, clock.sleep)) as first:
        papers = arxiv.fetch_ids(first, ["2403.01234", "hep-th/9901001"])
    with Client(pacer=Pacer(clock, clock.sleep)) as rerun:
        assert arxiv.fetch_ids(rerun, ["2403.01234", "hep-th/9901001"]) == papers
        assert rerun.requests == 0
    assert requests_to(endpoints, "/api/query") == 1
    assert [path.name.startswith(".") for path in cache_dir.iterdir()] == [False]  # no temp file left


def test_errors_are_not_cached(endpoints, client):
    endpoints.expect_oneshot_request("/api/daily_papers").respond_with_data("oops", status=500)
    endpoints.expect_request("/api/daily_papers").respond_with_data(data("hf-daily.json"))
    with pytest.raises(SourceError):
        hf.fetch_daily(client)
    assert len(hf.fetch_daily(client)) == 2


def test_max_age_zero_asks_again(endpoints, client):
    endpoints.expect_request("/api/daily_papers").respond_with_data(data("hf-daily.json"))
    hf.fetch_daily(client)
    hf.fetch_daily(client, max_age=0)
    assert requests_to(endpoints, "/api/daily_papers") == 2


def test_arxiv_requests_are_paced(endpoints, client, clock, monkeypatch):
    monkeypatch.setenv("PAPERSHELF_ARXIV_DELAY", "3")
    endpoints.expect_request("/api/query").respond_with_response(atom("arxiv-empty.xml"))
    arxiv.search_title(client, "first")
    clock.now += 1.0  # the reader's own time between the two calls
    arxiv.search_title(client, "second")
    assert clock.sleeps == [2.0]
    assert requests_to(endpoints, "/api/query") == 2


def test_hf_requests_are_not_paced(endpoints, client, clock, monkeypatch):
    monkeypatch.setenv("PAPERSHELF_ARXIV_DELAY", "3")
    endpoints.expect_request("/api/papers/search").respond_with_data(data("hf-search.json"))
    hf.search(client, "one")
    hf.search(client, "two")
    assert clock.sleeps == []


def test_a_listing_is_asked_again_after_an_hour(endpoints, client, cache_dir):
    """Today's RSS listing keeps its URL while its content changes: an hour-old copy is stale."""
    endpoints.expect_request("/rss/cs.LG").respond_with_data(data("arxiv-rss.xml"), content_type="application/rss+xml")
    first = arxiv.fetch_listing(client, ["cs.LG"])
    assert arxiv.fetch_listing(client, ["cs.LG"]) == first
    assert requests_to(endpoints, "/rss/cs.LG") == 1
    (cached,) = cache_dir.iterdir()
    an_hour_ago = cached.stat().st_mtime - 3601
    os.utime(cached, (an_hour_ago, an_hour_ago))
    arxiv.fetch_listing(client, ["cs.LG"])
    assert requests_to(endpoints, "/rss/cs.LG") == 2


def test_any_feed_by_its_url(endpoints, client):
    endpoints.expect_request("/blog.atom").respond_with_data(data("blog-atom.xml"), content_type="application/atom+xml")
    papers = arxiv.fetch_feed(client, endpoints.url_for("/blog.atom"))
    assert papers and all(paper.title for paper in papers)
    assert {paper.source for paper in papers} == {"feed"}
