"""`papershelf fetch`, `add` and `enrich` as a user runs them, against a real local server."""

from __future__ import annotations

import json

import pytest
from werkzeug import Response

from tests.helpers import SAMPLE_PAGE, run_cli, snapshot_dir
from tests.storage.sources.conftest import data


def listed(library):
    out = run_cli("list", "--json", library=library)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_fetch_hf_prints_what_it_added_and_list_json_has_the_facts(endpoints, tmp_path):
    endpoints.expect_request("/api/daily_papers", query_string="date=2024-03-05").respond_with_data(
        data("hf-daily.json"), content_type="application/json")
    lib = tmp_path / "lib"
    out = run_cli("fetch", "hf", "--date", "2024-03-05", library=lib)
    assert (out.returncode, out.stdout, out.stderr) == (0, "Hugging Face 2024-03-05: 2 papers (2 new, 0 already in the library)\n", "")
    paper = next(p for p in listed(lib) if p["arxiv_id"] == "2403.01234")
    assert paper["authors"] == ["Mira Okafor", "Tomas Lindqvist", "Wen Zhao"]
    assert (paper["published"], paper["categories"]) == ("2024-03-04", [])


def test_add_by_url_and_id(endpoints, tmp_path):
    endpoints.expect_request("/api/query").respond_with_data(data("arxiv-entries.xml"), content_type="application/atom+xml")
    lib = tmp_path / "lib"
    out = run_cli("add", "https://huggingface.co/papers/2403.01234", "hep-th/9901001", library=lib)
    assert out.stdout == "arXiv (2 ids): 2 papers (2 new, 0 already in the library)\n", out.stderr
    assert sorted(p["arxiv_id"] for p in listed(lib)) == ["2403.01234", "hep-th/9901001"]


@pytest.mark.parametrize(("answer", "message"), [
    (Response("boom", status=500), "papershelf: Hugging Face: HTTP 500 INTERNAL SERVER ERROR from localhost:"),
    (Response("<html><body>Sign in</body></html>", content_type="text/html"), "papershelf: Hugging Face: "),
])  # fmt: skip
def test_a_failing_source_is_one_line_exit_1_and_the_library_is_unchanged(endpoints, tmp_path, answer, message):
    lib = tmp_path / "lib"
    assert run_cli("import", str(SAMPLE_PAGE), library=lib).returncode == 0
    before = snapshot_dir(lib)
    endpoints.expect_request("/api/daily_papers").respond_with_response(answer)
    out = run_cli("fetch", "hf", library=lib)
    assert out.returncode == 1 and out.stdout == ""
    assert out.stderr.startswith(message) and out.stderr.count("\n") == 1, out.stderr
    assert snapshot_dir(lib) == before


def test_connection_refused_names_the_source(monkeypatch, tmp_path):
    monkeypatch.setenv("PAPERSHELF_ARXIV_API_URL", "http://127.0.0.1:9/api/query")
    out = run_cli("add", "2403.01234", library=tmp_path / "lib")
    assert out.returncode == 1
    assert out.stderr == "papershelf: arXiv API: cannot connect to 127.0.0.1:9 (connection refused)\n"


@pytest.mark.parametrize(("args", "message"), [
    (["fetch"], "the following arguments are required: SOURCE\n"),  # (not CATEGORY: only arxiv needs one)
    (["fetch", "arxiv"], "fetch arxiv: name at least one category"),
    (["fetch", "arxiv", "cs.LG", "--trending"], "fetch arxiv: --trending only go with `fetch hf`"),
    (["fetch", "ftp://example.org/feed"], "expected an http(s) URL of an RSS or Atom feed"),
    (["add", "not-an-id"], "not an arXiv id or paper URL: not-an-id"),
    (["fetch", "hf", "--date", "2024-02-30"], "papershelf: fetch hf: --date '2024-02-30': expected YYYY-MM-DD, e.g. 2024-03-05\n"),
    (["fetch", "hf", "--week", "2024-W54"], "--week '2024-W54': expected YYYY-Www"),
    (["fetch", "hf", "--limit", "0"], "--limit 0: expected a number of papers from 1 up"),
    (["fetch", "arxiv", "cs..LG"], "papershelf: fetch arxiv: not an arXiv category: cs..LG (expected e.g. cs.LG, math.AG, hep-th)\n"),
])  # fmt: skip
def test_wrong_arguments_are_explained_before_any_request(tmp_path, args, message):
    out = run_cli(*args, library=tmp_path / "lib")
    assert out.returncode != 0 and message in out.stderr and "Traceback" not in out.stderr


def test_enrich_lists_what_it_could_not_match(endpoints, tmp_path):
    endpoints.expect_request("/api/daily_papers").respond_with_data("[]", content_type="application/json")
    endpoints.expect_request("/api/query").respond_with_data(data("arxiv-empty.xml"), content_type="application/atom+xml")
    lib = tmp_path / "lib"
    run_cli("import", str(SAMPLE_PAGE), library=lib)
    before = snapshot_dir(lib)
    out = run_cli("enrich", "tidal", library=lib)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0] == "enriched 0 of 1 papers; 1 with no exact match, unchanged"
    assert "no exact match: " in out.stdout.splitlines()[1] and "TIDAL" in out.stdout
    assert snapshot_dir(lib) == before
