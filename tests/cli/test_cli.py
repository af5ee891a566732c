"""The command line end to end, run as a subprocess the way a user runs it."""

from __future__ import annotations

import json

import pytest

from tests.helpers import DATA, SAMPLE_PAGE, SEED, needs_seed, run_cli, snapshot_dir


def _import_sample(library):
    out = run_cli("import", str(SAMPLE_PAGE), library=library)
    assert out.returncode == 0, out.stderr
    return out


def _listed(library, *query):
    out = run_cli("list", *query, "--json", library=library)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_import_then_reimport_adds_nothing(tmp_path):
    lib = tmp_path / "lib"
    assert _import_sample(lib).stdout.strip() == "trending-sample.txt: 48 papers (48 new, 0 already in the library)"
    again = _import_sample(lib)
    assert again.stdout.strip() == "trending-sample.txt: 48 papers (0 new, 48 already in the library)"
    papers = _listed(lib)
    assert len(papers) == 48
    first = papers[0]
    assert first["title"].startswith("TIDAL: Tide-Aware Credit Assignment")
    assert first["links"] == ["https://github.com/tidal-agents/tidal"]
    assert first["listed"] == "Mar 11" and first["first_seen"]
    assert (first["read"], first["starred"], first["tags"], first["notes"]) == (False, False, [], "")
    assert [p["listed"] for p in papers].count("Mar 9") == 6


@needs_seed
def test_the_seed_page_imports_its_78_papers(tmp_path):
    out = run_cli("import", str(SEED), library=tmp_path / "lib")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "trending-papers.txt: 78 papers (78 new, 0 already in the library)"
    first = _listed(tmp_path / "lib")[0]
    assert first["title"].startswith("ReLIC: A Recipe for 64k Steps")
    assert first["links"] == ["https://github.com/aielawady/relic"]


def test_mark_then_list_shows_the_state(tmp_path):
    lib = tmp_path / "lib"
    _import_sample(lib)
    ids = [p["id"] for p in _listed(lib)]
    out = run_cli("mark", ids[0], ids[1], "--read", "--star", "--tag", "rlhf", "--note", "note ✨", library=lib)
    assert out.returncode == 0, out.stderr
    run_cli("mark", ids[1], "--unstar", "--untag", "rlhf", library=lib)
    papers = {p["id"]: p for p in _listed(lib)}
    assert papers[ids[0]]["read"] and papers[ids[0]]["starred"] and papers[ids[0]]["tags"] == ["rlhf"]
    assert papers[ids[0]]["notes"] == "note ✨"
    assert papers[ids[1]]["read"] and not papers[ids[1]]["starred"] and papers[ids[1]]["tags"] == []
    assert [p["id"] for p in _listed(lib, "is:starred")] == [ids[0]]
    assert [p["id"] for p in _listed(lib, "tag:rlhf")] == [ids[0]]
    assert len(_listed(lib, "is:unread")) == 46


def test_undo_reverts_the_last_command(tmp_path):
    lib = tmp_path / "lib"
    _import_sample(lib)
    pid = _listed(lib)[0]["id"]
    run_cli("mark", pid, "--star", library=lib)
    out = run_cli("undo", library=lib)
    assert out.returncode == 0 and "undid" in out.stdout
    assert not _listed(lib)[0]["starred"]


def test_list_table_is_readable(tmp_path):
    lib = tmp_path / "lib"
    _import_sample(lib)
    out = run_cli("list", "critique", library=lib)
    assert out.returncode == 0
    assert "48 papers · 0 read · 0 starred" in out.stdout
    assert "Critique" in out.stdout


def test_import_from_stdin(tmp_path):
    lib = tmp_path / "lib"
    out = run_cli("import", "-", library=lib, stdin=SAMPLE_PAGE.read_bytes())
    assert out.returncode == 0, out.stderr
    assert "48 papers (48 new" in out.stdout


def test_import_from_stdin_with_a_bom_and_crlf(tmp_path):
    lib = tmp_path / "lib"
    out = run_cli("import", "-", library=lib, stdin=(DATA / "trending-crlf-bom.txt").read_bytes())
    assert out.returncode == 0, out.stderr
    assert "3 papers (3 new" in out.stdout
    assert [p["title"] for p in _listed(lib)][0] == "Cheap Rollouts: Replacing Simulators with Learned Models in Policy Search"


BAD_INPUTS = {
    "missing": None,
    "empty.txt": b"",
    "image.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64),
    "latin1.txt": "Caf\xe9 title\n\nAn abstract that is long enough to be one.".encode("latin-1"),
    "chrome.txt": b"new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\n",
}


@pytest.mark.parametrize("name", [*BAD_INPUTS, "a-directory"])
def test_bad_input_is_one_clear_line_and_changes_nothing(tmp_path, name):
    lib = tmp_path / "lib"
    _import_sample(lib)
    before = snapshot_dir(lib)
    target = tmp_path / name
    if name == "a-directory":
        target.mkdir()
    elif BAD_INPUTS[name] is not None:
        target.write_bytes(BAD_INPUTS[name])
    out = run_cli("import", str(target), library=lib)
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and str(target) in lines[0], out.stderr
    assert "Traceback" not in out.stderr
    assert snapshot_dir(lib) == before


def test_unknown_id_is_refused_and_changes_nothing(tmp_path):
    lib = tmp_path / "lib"
    _import_sample(lib)
    pid = _listed(lib)[0]["id"]
    before = snapshot_dir(lib)
    out = run_cli("mark", pid, "0123456789ab", "--read", library=lib)
    assert out.returncode == 1 and "0123456789ab" in out.stderr
    assert snapshot_dir(lib) == before


def test_damaged_library_is_reported_not_overwritten(tmp_path):
    lib = tmp_path / "lib"
    _import_sample(lib)
    (lib / "catalogue.json").write_bytes(b'{"papers": {"1": ')
    before = snapshot_dir(lib)
    out = run_cli("list", library=lib)
    assert out.returncode == 1 and "catalogue.json" in out.stderr
    assert snapshot_dir(lib) == before


def test_help_is_short_and_names_the_commands():
    out = run_cli("--help")
    assert out.returncode == 0
    for word in ("import", "list", "mark", "export", "demo"):
        assert word in out.stdout
    assert run_cli("mark", "--help").returncode == 0


def test_stats_reports_progress_and_tags(tmp_path):
    lib = tmp_path / "lib"
    _import_sample(lib)
    ids = [p["id"] for p in _listed(lib)[:2]]
    run_cli("mark", *ids, "--read", "--tag", "[bold]rl", library=lib)
    out = run_cli("stats", library=lib)
    assert out.returncode == 0, out.stderr
    assert "48 · 2 read · 0 starred" in out.stdout
    assert "[bold]rl" in out.stdout and "4%" in out.stdout  # 2 of 48


def test_plain_start_skips_the_parser_only_when_nothing_else_is_asked():
    from tui.cli.program import _plain_tui_library

    assert _plain_tui_library([]) == ""
    assert _plain_tui_library(["--library", "lib"]) == "lib"
    for args in (["--library"], ["--library", "-h"], ["--library", ""], ["list"], ["--library", "lib", "list"],
                 ["page.txt"], ["--library=lib"], ["-h"]):  # fmt: skip
        assert _plain_tui_library(args) is None, args


@pytest.mark.parametrize("args", [["--library", "{lib}"], ["--library={lib}"]])
def test_the_tui_on_an_unusable_library_is_one_clear_line(tmp_path, args):
    """Both ways to name the library (the fast path and the parser's) report the same."""
    lib = tmp_path / "lib"
    lib.write_text("a file, not a directory")
    done = run_cli(*[a.format(lib=lib) for a in args])
    assert done.returncode == 1 and "is not a directory" in done.stderr and "Traceback" not in done.stderr
