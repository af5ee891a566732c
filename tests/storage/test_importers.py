"""Importers: input errors with clear messages, papershelf JSON, BibTeX, dispatch by content."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storage.model.errors import ImportFormatError
from storage.formats.bibtex import latex_to_text
from storage.formats.detect import detect_kind, load_bytes, load_file, load_text
from storage.model.records import Shelf

from tests.helpers import DATA, SAMPLE_PAGE, SEED, needs_seed, sample_pairs


def _error(call, *args) -> ImportFormatError:
    with pytest.raises(ImportFormatError) as caught:
        call(*args)
    return caught.value


def _write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


# --- unreadable input -------------------------------------------------------------------


def test_missing_file(tmp_path):
    error = _error(load_file, tmp_path / "nope.txt")
    assert str(error) == f"{tmp_path / 'nope.txt'}: no such file"
    assert error.source == str(tmp_path / "nope.txt")


def test_directory(tmp_path):
    assert str(_error(load_file, tmp_path)) == f"{tmp_path}: is a directory, expected a text file"


@pytest.mark.parametrize("content", [b"", b"  \n\r\n\t \n", "\ufeff\n".encode()])
def test_empty_file(tmp_path, content):
    path = _write(tmp_path, "empty.txt", content)
    assert str(_error(load_file, path)) == f"{path}: file is empty"


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF document"),
        (b"PK\x03\x04\x14\x00\x00\x00", "ZIP archive"),
        (b"\x1f\x8b\x08\x00", "gzip archive"),
    ],
)
def test_binary_file_by_signature(tmp_path, data, kind):
    path = _write(tmp_path, "paper.txt", data)
    assert str(_error(load_file, path)) == f"{path}: binary file (looks like {kind}), expected text"


def test_binary_file_by_nul_bytes(tmp_path):
    path = _write(tmp_path, "x.txt", b"title\x00\x00\x01abstract")
    assert _error(load_file, path).reason == "binary file (contains NUL bytes), expected text"
    assert _error(load_text, "title\x00x", "<stdin>").reason.startswith("binary file")


def test_non_utf8_names_the_byte_and_line(tmp_path):
    path = _write(tmp_path, "latin1.txt", "new\n\nCaf\u00e9 title\n".encode("latin-1"))
    error = _error(load_file, path)
    assert str(error) == f"{path}: not UTF-8 text: invalid byte 0xe9 at line 3"
    data = b"line one\nline two\n\xff\xfe bad\n"
    assert _error(load_bytes, data, "x").reason == "not UTF-8 text: invalid byte 0xff at line 3"


def test_utf16_is_recognised(tmp_path):
    path = _write(tmp_path, "page.txt", "new\n\nTitle\n".encode("utf-16"))
    assert "not UTF-8 text: looks like UTF-16" in str(_error(load_file, path))


def test_text_without_papers():
    with pytest.raises(ImportFormatError, match="no papers found"):
        load_text('{"papershelf": 1, "papers": []}', "empty.json")
    with pytest.raises(ImportFormatError, match="no papers found: the BibTeX file has no entries"):
        load_text("% only a comment\n@string{x = {y}}\n@comment{nothing}\n", "refs.bib")


# --- dispatch ---------------------------------------------------------------------------


def test_a_trending_page_dispatches_to_the_page_parser():
    papers = load_file(SAMPLE_PAGE)
    assert [(p.title, p.abstract) for p in papers] == sample_pairs()
    assert papers[0].shelf is None


def test_a_page_saved_with_a_bom_and_crlf_line_endings():
    path = DATA / "trending-crlf-bom.txt"
    assert path.read_bytes().startswith(b"\xef\xbb\xbfnew\r\n\r\n")  # the file really is so
    papers = load_file(path)
    assert [(p.title, p.listed, p.links, p.line) for p in papers] == [
        ("Cheap Rollouts: Replacing Simulators with Learned Models in Policy Search", "Mar 12",
         ("https://github.com/cheap-rollouts/cr",), 14),
        ("What Does a Reward Model Read?", "Mar 12", (), 19),
        ("Attention Sinks in Value Networks", "Mar 11", (), 25),
    ]  # fmt: skip
    assert papers[1].abstract == "" and papers[2].abstract.endswith("A one-line change removes the sink.")
    assert not any("\r" in p.abstract or "\ufeff" in p.title for p in papers)


@needs_seed
def test_the_seed_page_dispatches_to_the_page_parser():
    papers = load_file(SEED)
    assert len(papers) == 78
    assert papers[0].title.startswith("ReLIC: A Recipe")


@pytest.mark.parametrize(
    ("text", "source", "kind"),
    [
        ('\ufeff  \n {"papers": []}', "a.txt", "json"),
        ("[]", "<stdin>", "json"),
        ("% JabRef\n%\n\n  @Article{k, title={T}}", "x.txt", "bibtex"),
        ("@misc(k, title={T})", "<clipboard>", "bibtex"),
        ("This file was exported by a tool.\n@misc{k, title={T}}", "refs.bib", "bibtex"),
        ("This file was exported by a tool.\n@misc{k, title={T}}", "refs.txt", "page"),
        ("new\n\nMar 11\n\nTitle\n\nAbstract.", "page.txt", "page"),
        ("Email me @ home{x}", "page.txt", "page"),
    ],
)
def test_detect_kind_by_content_then_extension(text, source, kind):
    assert detect_kind(text, source) == kind


def test_bom_is_stripped_before_parsing(tmp_path):
    doc = {"papers": [{"title": "A Paper"}]}
    path = _write(tmp_path, "x.json", b"\xef\xbb\xbf" + json.dumps(doc).encode())
    assert [p.title for p in load_file(path)] == ["A Paper"]


# --- papershelf JSON --------------------------------------------------------------------


def _doc(*papers: dict) -> str:
    return json.dumps({"papershelf": 1, "exported": "2026-11-24T09:30:00+00:00", "papers": papers})


def test_json_restores_paper_and_shelf():
    record = {
        "id": "ignored", "title": "  Deep   RL\n", "abstract": "Abs", "links": ["https://a.b/c"],
        "listed": "Mar 11", "first_seen": "2026-11-20T08:00:00+00:00", "position": 4,
        "read": True, "starred": True, "tags": ["RL", "rl", "to read"],
        "notes": "line 1\n\nline 2 🎉  ", "read_at": "2026-11-21T10:00:00+00:00",
        "updated": "2026-11-21T10:00:00+00:00",
    }  # fmt: skip
    [paper] = load_text(_doc(record), "x.json")
    assert (paper.title, paper.abstract, paper.links) == ("Deep RL", "Abs", ("https://a.b/c",))
    assert (paper.listed, paper.first_seen) == ("Mar 11", "2026-11-20T08:00:00+00:00")
    assert paper.shelf == Shelf(
        read=True,
        starred=True,
        tags=("rl", "to", "read"),
        notes="line 1\n\nline 2 🎉",
        read_at="2026-11-21T10:00:00+00:00",
        updated="2026-11-21T10:00:00+00:00",
    )


def test_json_accepts_a_bare_list_with_defaults():
    [paper] = load_text('[{"title": "Only a title"}]', "<stdin>")
    assert paper.title == "Only a title" and paper.abstract == "" and paper.links == ()
    assert paper.shelf == Shelf()


def test_json_sanitises_text():
    record = {
        "title": "Evil\x1b[31m red\x07 \u202etitle",
        "abstract": "a\x1b]8;;http://x\x07link\x1b]8;;\x07",
        "links": ["https://x.org/\x1b[2J", "  "],
        "tags": ["\x1b[1mbold"],
        "notes": "keep\nlines\x1b[0m\x00",
    }
    [paper] = load_text(_doc(record), "x.json")
    assert paper.title == "Evil red title"
    assert paper.abstract == "alink"
    assert paper.links == ("https://x.org/",)
    assert paper.shelf.tags == ("bold",)
    assert paper.shelf.notes == "keep\nlines"


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"title": ""}, "papers[3].title: expected a non-empty string"),
        ({"title": "  \x1b[0m "}, "papers[3].title: expected a non-empty string"),
        ({"abstract": "no title"}, "papers[3].title: expected a non-empty string"),
        ({"title": 42}, "papers[3].title: expected a non-empty string"),
        ({"title": "T", "read": "yes"}, "papers[3].read: expected true or false"),
        ({"title": "T", "starred": 1}, "papers[3].starred: expected true or false"),
        ({"title": "T", "tags": [1, 2]}, "papers[3].tags: expected a list of strings"),
        ({"title": "T", "links": {"a": 1}}, "papers[3].links: expected a list of strings"),
        ({"title": "T", "notes": None}, "papers[3].notes: expected a string"),
        ({"title": "T", "read_at": "yesterday"}, "papers[3].read_at: expected an ISO-8601"),
    ],
)
def test_json_bad_record_names_index_and_field(record, message):
    good = {"title": "Fine"}
    error = _error(load_text, _doc(good, good, good, record), "lib.json")
    assert str(error).startswith(f"lib.json: {message}")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"papers": [1]}', "papers[0]: expected an object (a paper)"),
        ('{"papers": {"title": "x"}}', "papers: expected a list of papers"),
        ('{"title": "x"}', 'expected a papershelf JSON export (an object with a "papers" list'),
        ('{"papershelf": 2, "papers": []}', "papershelf: unsupported export version 2"),
        ('"just a string"', "expected a papershelf JSON export"),
        ("[1, 2", "invalid JSON: Expecting"),
    ],
)
def test_json_bad_shape(text, message):
    assert message in str(_error(load_text, text, "x.json"))


def test_json_syntax_error_names_line_and_column():
    error = _error(load_text, '{\n  "papers": [\n    {"title": "a",}\n  ]\n}', "x.json")
    assert error.line == 3
    assert str(error).startswith("x.json:3: invalid JSON: ")
    assert "column" in error.reason


def test_json_duplicate_keys_are_rejected_naming_where():
    text = '{"papers": [{"title": "a"}, {"title": "b", "read": false, "read": true}]}'
    assert _error(load_text, text, "x.json").reason == "papers[1]: duplicate key 'read'"
    text = '{"papers": [], "papers": [{"title": "a"}]}'
    error = _error(load_text, text, "x.json")
    assert error.reason == "the top-level object: duplicate key 'papers'"


def test_json_hostile_nesting_and_numbers():
    deep = "[" * 100_000 + "]" * 100_000
    assert _error(load_text, deep, "deep.json").reason == "invalid JSON: nested too deeply"
    huge_number = '{"papers": [{"title": "x", "position": ' + "9" * 10_000 + "}]}"
    assert _error(load_text, huge_number, "n.json").reason.startswith("invalid JSON")


def test_input_over_the_size_limit(monkeypatch, tmp_path):
    import storage.formats.detect as importers

    monkeypatch.setattr(importers, "MAX_INPUT_BYTES", 10)
    path = _write(tmp_path, "big.json", '[{"title": "more than ten bytes"}]')
    assert "file too large" in str(_error(load_file, path))


# --- BibTeX -----------------------------------------------------------------------------

BIB = r"""% exported by a reference manager

@string{conf = {NeurIPS}}

@misc{relic2024,
  title = {{{ReLIC}}: A Recipe for 64k Steps of {In-Context} {RL} \& More},
  abstract = {We study \textit{in-context} RL at 50\% of the cost.
     It works on caf\'e robots and {\"o}bst \textasciitilde{} na\"{\i}ve},
  url = {https://github.com/aielawady/relic},
  keywords = {Reinforcement Learning; embodied, RL},
  note = {Read for the group.\\Second line},
}

@article{doi_only,
  TITLE = "Quoted {T}itle with a \{brace\}",
  doi = {10.1000/xyz_123},
}
"""


def test_bibtex_entries_become_papers():
    relic, quoted = load_text(BIB, "refs.bib")
    assert relic.title == "ReLIC: A Recipe for 64k Steps of In-Context RL & More"
    assert relic.abstract == (
        "We study in-context RL at 50% of the cost. It works on café robots and öbst ~ naïve"
    )
    assert relic.links == ("https://github.com/aielawady/relic",)
    assert relic.line == 6
    assert relic.shelf == Shelf(
        tags=("reinforcement-learning", "embodied", "rl"), notes="Read for the group.\nSecond line"
    )
    assert quoted.title == "Quoted Title with a {brace}"
    assert quoted.links == ("https://doi.org/10.1000/xyz_123",)
    assert quoted.shelf is None


def test_bibtex_entry_without_title_names_key_and_line():
    text = "@misc{good, title={Fine}}\n\n@misc{untitled,\n  author = {Someone},\n}\n"
    error = _error(load_text, text, "refs.bib")
    assert str(error) == "refs.bib:3: entry 'untitled' has no title"


def test_bibtex_unbalanced_braces_name_the_line():
    text = "@misc{ok, title={Fine}}\n\n@misc{broken,\n  title = {Open {brace},\n  note = {x}\n}\n"
    error = _error(load_text, text, "refs.bib")
    assert error.line == 3
    assert "cannot parse the BibTeX entry starting here (the file ends inside it)" in error.reason
    assert "balanced braces" in error.reason
    unclosed = "@misc{a,\n  title = {Never closed\n\n@misc{b, title={Fine}}\n"
    error = _error(load_text, unclosed, "refs.bib")
    assert error.line == 1 and "stopped at line 4: Unexpected block start" in error.reason


def test_bibtex_duplicates_are_errors():
    twice = "@misc{a, title={One}}\n@misc{a, title={Two}}\n"
    assert str(_error(load_text, twice, "r.bib")) == "r.bib:2: duplicate entry key 'a'"
    field_twice = "@misc{b,\n title={One},\n title={Two}\n}\n"
    error = _error(load_text, field_twice, "r.bib")
    assert str(error) == "r.bib:1: entry 'b': duplicate field title"


def test_bibtex_parse_problems_are_not_logged(caplog):
    with pytest.raises(ImportFormatError):
        load_text("@misc{broken, title = {x\n", "r.bib")
    assert not [r for r in caplog.records if r.name.startswith("bibtexparser")]


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"{{ReLIC}}: A Recipe", "ReLIC: A Recipe"),
        (r"\& \% \$ \# \_ \{ \}", "& % $ # _ { }"),
        (r"\textbackslash{}\textbraceleft{}x\textbraceright{}", "\\{x}"),
        (r"\textasciitilde{}\textasciicircum{} a~b", "~^ a b"),
        (r"\'e \`a \^o \"u \~n \c{c} \v{s} \'{\i} {\ss} \o{}", "é à ô ü ñ ç š í ß ø"),
        (r"\emph{bold} \textbf {move}", "bold move"),
        (r"$\alpha$-power", r"$\alpha$-power"),
        (r"\url{https://x.org}", "https://x.org"),
    ],
)
def test_latex_to_text(latex, text):
    assert latex_to_text(latex) == text
