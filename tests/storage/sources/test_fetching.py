"""fetch, add and enrich against a real local server: papers arrive with their facts, the same
paper from two sources is one paper, a failure changes nothing, enrich never guesses."""

from __future__ import annotations

from pathlib import Path

import pytest
from werkzeug import Request, Response

from storage.library import Library
from storage.model.ids import normalise_title
from storage.sources import fetching
from storage.sources.enrich import enrich, listed_day
from storage.sources.errors import SourceError
from storage.sources.http import Client
from tests.storage.sources.answers import Known, arxiv_feed, hf_daily
from tests.storage.sources.conftest import data

LIB_FILES = ("catalogue.json", "abstracts.json", "annotations.json", "annotations.journal")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in LIB_FILES if (folder / name).exists()}


@pytest.fixture
def library(tmp_path: Path):
    library = Library.open(tmp_path / "lib")
    yield library
    library.close()


@pytest.fixture
def client():
    with Client(timeout=5, retries=0) as client:
        yield client


def json_answer(body: bytes) -> Response:
    return Response(body, content_type="application/json")


def atom_answer(body: bytes) -> Response:
    return Response(body, content_type="application/atom+xml")


# --- fetch and add ---------------------------------------------------------------------------

def test_fetch_hf_brings_papers_with_their_facts_and_remembers_the_source(endpoints, library, client):
    endpoints.expect_request("/api/daily_papers", query_string="date=2024-03-05").respond_with_response(json_answer(data("hf-daily.json")))
    fetched = fetching.fetch_hf(library, client, date="2024-03-05")
    assert fetched.summary() == "Hugging Face 2024-03-05: 2 papers (2 new, 0 already in the library)"
    paper = next(e.paper for e in library.entries() if e.paper.arxiv_id == "2403.01234")
    assert paper.authors == ("Mira Okafor", "Tomas Lindqvist", "Wen Zhao")
    assert paper.published == "2024-03-04" and paper.details.upvotes == 42 and paper.details.github_stars == 318
    assert "https://arxiv.org/pdf/2403.01234" in paper.links and "https://github.com/example/tidal" in paper.links
    assert dict(paper.details.origin)["authors"] == "hf"
    assert fetching.recent(library) == [{"kind": "hf", "date": "2024-03-05", "trending": False, "limit": None}]


def test_the_same_paper_from_hf_then_arxiv_is_one_paper_with_both_sources_facts(endpoints, library, client):
    endpoints.expect_request("/api/daily_papers").respond_with_response(json_answer(data("hf-daily.json")))
    endpoints.expect_request("/api/query").respond_with_response(atom_answer(data("arxiv-entries.xml")))
    fetching.fetch_hf(library, client, date="2024-03-05")
    library.set_starred([e.id for e in library.entries() if e.paper.arxiv_id == "2403.01234"])
    fetched = fetching.add_ids(library, client, ["https://arxiv.org/abs/2403.01234v2", "hep-th/9901001"])
    assert fetched.summary() == "arXiv (2 ids): 2 papers (1 new, 1 already in the library)"
    (entry,) = [e for e in library.entries() if e.paper.arxiv_id == "2403.01234"]
    assert entry.shelf.starred  # annotations stay
    assert entry.paper.categories == ("cs.LG", "cs.RO") and entry.paper.details.doi == "10.1234/tidal.2024.001"
    assert entry.paper.details.upvotes == 42  # HF's fact kept beside arXiv's
    assert dict(entry.paper.details.origin)["doi"] == "arxiv-api"
    assert len(library) == 3


def test_add_names_ids_arxiv_does_not_know(endpoints, library, client):
    endpoints.expect_request("/api/query").respond_with_response(atom_answer(data("arxiv-entries.xml")))
    fetched = fetching.add_ids(library, client, ["2403.01234", "2401.99999"])
    assert fetched.missing == ("2401.99999",)
    assert fetched.summary().endswith("; not found on arXiv: 2401.99999")


def test_add_refuses_what_is_not_an_id_before_any_request(endpoints, library, client):
    with pytest.raises(fetching.PapershelfError, match="not an arXiv id or paper URL: nonsense"):
        fetching.add_ids(library, client, ["2403.01234", "nonsense"])
    assert client.requests == 0


def test_fetch_arxiv_listing_and_any_feed(endpoints, library, client):
    endpoints.expect_request("/rss/cs.LG+cs.AI").respond_with_response(Response(data("arxiv-rss.xml"), content_type="application/rss+xml"))
    endpoints.expect_request("/blog.xml").respond_with_response(atom_answer(data("blog-atom.xml")))
    assert fetching.fetch_arxiv(library, client, ["cs.LG", "cs.AI"]).summary() == "cs.LG+cs.AI: 2 papers (2 new, 0 already in the library)"
    assert fetching.fetch_feed(library, client, endpoints.url_for("/blog.xml")).result.total == 2
    assert [spec["kind"] for spec in fetching.recent(library)] == ["feed", "arxiv"]


@pytest.mark.parametrize("answer", [
    Response("boom", status=500),
    Response("<!DOCTYPE html><html><body>Bad gateway</body></html>", content_type="text/html"),
    Response('[{"paper": {"id": "2403.01234", "title": "cut', content_type="application/json"),
])  # fmt: skip
def test_a_failed_fetch_leaves_the_library_byte_for_byte_unchanged(endpoints, library, client, sample_path, answer):
    library.import_file(sample_path)
    library.close()
    before = snapshot(library.directory)
    endpoints.expect_request("/api/daily_papers").respond_with_response(answer)
    reopened = Library.open(library.directory)
    with pytest.raises(SourceError, match="^Hugging Face: "):
        fetching.fetch_hf(reopened, client)
    reopened.close()
    assert snapshot(library.directory) == before


def test_refetch_asks_the_remembered_sources_again(endpoints, library, client):
    endpoints.expect_request("/rss/cs.LG").respond_with_response(Response(data("arxiv-rss.xml"), content_type="application/rss+xml"))
    fetching.fetch_arxiv(library, client, ["cs.LG"])
    with Client(timeout=5, use_cache=False) as fresh:
        (again,) = fetching.refetch(library, fresh)
        assert fresh.requests == 1
    assert again.result.existing == 2


# --- enrich -------------------------------------------------------------------------------------

def sample_titles(library: Library) -> dict[str, str]:
    """First words of a sample paper's title -> its whole title."""
    return {" ".join(e.paper.title.split()[:3]): e.paper.title for e in library.entries()}


class SourcesThatKnowSome:
    """HF knows two papers of the sample's Mar 11 (one only by a near-miss title); arXiv's title
    search knows one more exactly and one by a near miss; the id list completes the found ones."""

    def __init__(self, library: Library) -> None:
        titles = sample_titles(library)
        self.tidal = titles["TIDAL: Tide-Aware Credit"]
        self.explore = titles["Learning to Explore"]
        self.amortised = titles["Amortised Bayesian Optimisation"]
        self.harbor = titles["HarborGym: A Suite"]
        self.papers = {
            "2603.00001": Known(self.tidal.upper(), "2603.00001", ("Ada Lovelace", "Alan Turing"), "2026-03-10"),
            "2603.00003": Known(self.amortised + "!", "2603.00003", ("Grace Hopper",), "2026-03-08", "stat.ML"),
        }
        self.hf_day = [self.papers["2603.00001"], Known(self.explore[:-1], "2603.00002", ("Near Miss",), "2026-03-10")]
        self.requests: list[str] = []

    def serve(self, server) -> None:
        server.expect_request("/api/daily_papers").respond_with_handler(self.daily)
        server.expect_request("/api/query").respond_with_handler(self.query)

    def daily(self, request: Request) -> Response:
        self.requests.append(request.full_path)
        return json_answer(hf_daily(self.hf_day if request.args["date"] == "2026-03-11" else [], request.args["date"]))

    def query(self, request: Request) -> Response:
        self.requests.append(request.full_path)
        if "id_list" in request.args:
            ids = request.args["id_list"].split(",")
            return atom_answer(arxiv_feed([self.papers[i] for i in ids if i in self.papers]))
        wanted = request.args["search_query"]
        if normalise_title(self.amortised) in normalise_title(wanted):
            return atom_answer(arxiv_feed([self.papers["2603.00003"]]))
        if normalise_title(self.harbor) in normalise_title(wanted):
            near = self.harbor.replace("Offline", "Online")
            return atom_answer(arxiv_feed([Known(near, "2603.00004", ("Someone Else",), "2026-03-01")]))
        return atom_answer(arxiv_feed([]))


@pytest.fixture
def enrich_server(endpoints, sample_library, fixed_first_seen):
    sources = SourcesThatKnowSome(sample_library)
    sources.serve(endpoints)
    return sources


@pytest.fixture
def fixed_first_seen(monkeypatch):
    """The sample is imported on 2026-12-01: its "Mar 11" is 2026-03-11 whenever the test runs."""
    import storage.library

    monkeypatch.setattr(storage.library, "now_iso", lambda: "2026-12-01T09:00:00+00:00")


def by_title(library: Library, title: str):
    """The paper of this title (or of the same normalised title: a source may refresh its spelling)."""
    (entry,) = [e for e in library.entries() if normalise_title(e.paper.title) == normalise_title(title)]
    return entry


def test_enrich_fills_in_exact_matches_only_and_lists_the_rest_unchanged(enrich_server, sample_library, client):
    library, sources = sample_library, enrich_server
    before = {e.id: e for e in library.entries()}
    result = enrich(library, client)
    assert sorted(result.enriched) == sorted([by_title(library, sources.tidal).id, by_title(library, sources.amortised).id])
    tidal = by_title(library, sources.tidal).paper
    assert (tidal.arxiv_id, tidal.authors, tidal.published) == ("2603.00001", ("Ada Lovelace", "Alan Turing"), "2026-03-10")
    assert tidal.categories == ("cs.LG",)  # from the id list, after HF
    assert by_title(library, sources.amortised).paper.authors == ("Grace Hopper",)
    assert len(result.unmatched) == 46 and len(library) == 48
    for title in (sources.explore, sources.harbor):  # near misses are refused
        entry = by_title(library, title)
        assert entry == before[entry.id] and entry in result.unmatched
    assert result.summary() == "enriched 2 of 48 papers; 46 with no exact match, unchanged"


def test_a_rerun_makes_no_request_it_already_made(enrich_server, sample_library, client):
    enrich(sample_library, client)
    asked = len(enrich_server.requests)
    with Client(timeout=5) as again:
        second = enrich(sample_library, again)
    assert again.requests == 0 and len(enrich_server.requests) == asked
    assert second.enriched == () and len(second.unmatched) == 46


def test_what_enrich_completed_before_a_failure_is_kept(endpoints, sample_library, fixed_first_seen, client):
    sources = SourcesThatKnowSome(sample_library)
    endpoints.expect_request("/api/daily_papers").respond_with_handler(sources.daily)
    endpoints.expect_request("/api/query").respond_with_response(Response("down", status=500))
    with pytest.raises(SourceError, match="^arXiv API: HTTP 500"):
        enrich(sample_library, client)
    assert by_title(sample_library, sources.tidal).paper.arxiv_id == "2603.00001"  # saved as it completed


def test_enrich_completes_papers_known_only_by_their_id(endpoints, library, client, tmp_path):
    ids = tmp_path / "ids.txt"
    ids.write_text("# reading group\n2403.01234\nhttps://arxiv.org/abs/hep-th/9901001v1\n")
    assert library.import_file(ids).total == 2
    assert sorted(e.paper.title for e in library.entries()) == ["arXiv:2403.01234", "arXiv:hep-th/9901001"]
    endpoints.expect_request("/api/query").respond_with_response(atom_answer(data("arxiv-entries.xml")))
    assert len(enrich(library, client).enriched) == 2
    titles = sorted(e.paper.title for e in library.entries())
    assert titles == ["String Junctions and Their Duals", "Tide-Aware Credit Assignment for Long-Horizon Embodied Agents"]


@pytest.mark.parametrize(("listed", "first_seen", "day"), [
    ("Mar 11", "2026-12-01T09:00:00+00:00", "2026-03-11"),
    ("Dec 30", "2026-01-02T09:00:00+00:00", "2025-12-30"),
    ("2024-03-05", "", "2024-03-05"),
    ("", "2026-12-01T09:00:00+00:00", None),
    ("Yesterday", "2026-12-01T09:00:00+00:00", None),
])  # fmt: skip
def test_the_day_a_page_listed_a_paper(listed, first_seen, day):
    found = listed_day(listed, first_seen)
    assert (found.isoformat() if found else None) == day


def test_done_when_a_trending_page_enriched_exports_bibtex_that_can_be_cited(enrich_server, sample_library, client):
    """The issue's check: import a trending page, enrich against a server that knows some of its
    papers; the known ones get authors and arXiv ids, and their BibTeX reads back with
    bibtexparser and pybtex with author, year and eprint."""
    import bibtexparser
    from pybtex.database import parse_string as pybtex_parse

    from storage.formats.export import export

    enrich(sample_library, client)
    known = [e for e in sample_library.entries() if e.paper.arxiv_id]
    assert sorted(e.paper.arxiv_id for e in known) == ["2603.00001", "2603.00003"]
    text = export(sample_library.entries(), "bib")
    parsed = {entry["eprint"]: entry for entry in bibtexparser.parse_string(text).entries if "eprint" in entry}
    pybtex = {entry.fields["eprint"]: entry for entry in pybtex_parse(text, "bibtex").entries.values() if "eprint" in entry.fields}
    assert set(parsed) == set(pybtex) == {"2603.00001", "2603.00003"}
    assert parsed["2603.00001"]["author"] == "Ada Lovelace and Alan Turing" and parsed["2603.00001"]["year"] == "2026"
    assert [str(person) for person in pybtex["2603.00001"].persons["author"]] == ["Lovelace, Ada", "Turing, Alan"]
    assert pybtex["2603.00003"].fields["archivePrefix"] == "arXiv" and pybtex["2603.00003"].fields["primaryClass"] == "stat.ML"


def test_papers_from_hf_are_completed_by_arxiv_on_the_next_enrich(endpoints, library, client):
    """HF gives no categories or DOI: enrich asks arXiv's id_list for them (also what a run
    killed between its HF matches and its id_list request left to do)."""
    endpoints.expect_request("/api/daily_papers").respond_with_response(json_answer(data("hf-daily.json")))
    endpoints.expect_request("/api/query").respond_with_response(atom_answer(data("arxiv-entries.xml")))
    fetching.fetch_hf(library, client, date="2024-03-05")
    result = enrich(library, client)
    paper = next(e.paper for e in library.entries() if e.paper.arxiv_id == "2403.01234")
    assert paper.categories == ("cs.LG", "cs.RO") and paper.details.doi == "10.1234/tidal.2024.001"
    assert len(result.enriched) == 1 and len(result.unmatched) == 1  # arXiv's answer lacks the other one
