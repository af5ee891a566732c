"""Hostile input wherever text enters, end to end through the command line, plus properties:
markup stays literal text, no escape sequence or control character ever reaches an output,
anything refused is refused with one clear line and leaves the library byte for byte as it was."""

from __future__ import annotations

import json
import re
import string
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage.model.errors import ImportFormatError
from storage.formats.export import FORMATS, export
from storage.model.ids import paper_id
from storage.formats.detect import load_text
from storage.library import Library
from storage.formats.trending_page import parse_page
from storage.search.language import parse_query
from storage.search.matching import search_entries
from tests.helpers import papers, run_cli, snapshot_dir

# What must never reach a terminal or a file we write: C0 controls other than tab and line
# ends, DEL, C1 controls (0x80-0x9f: 8-bit CSI/OSC, as UTF-8 \xc2\x80-\xc2\x9f), bidi controls.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

# (payload in a title, what the stored title must contain, what no output may contain)
TITLE_PAYLOADS = [
    ("a[/]b", "a[/]b", None),
    ("a[/", "a[/", None),
    ("[@click=app.quit]x[/]", "[@click=app.quit]x[/]", None),
    ("[link=file:///etc/passwd]x[/]", "[link=file:///etc/passwd]x[/]", None),
    ("[bold red]loud[/bold red]", "[bold red]loud[/bold red]", None),
    ("clip \x1b]52;c;SGVsbG8=\x07 board", "clip board", "SGVsbG8"),
    ("title \x1b]0;pwned window\x07 set", "title set", "pwned window"),
    ("link \x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\ here", "link click here", "evil.example"),
    ("clear \x1b[2J\x1b[H screen", "clear screen", None),
    ("eight-bit \x9b2J csi \x9d0;t\x9c osc", "eight-bit csi osc", None),
    ("bidi \u202egnp.exe\u202c trick", "bidi gnp.exe trick", None),
    ("zero\u200bwidth\u200d joiners \ufeff", "zero\u200bwidth\u200d joiners", None),
    ("Cafe\u0301 combining Z\u0335\u0321a\u0336l\u0337g\u0334o", "Café combining", None),
]
ABSTRACT = "An abstract with {payload} inside it. It ends here with a link https://example.org/{i}."
HUGE_TITLE = " ".join(f"word{i}" for i in range(15_000))[:99_999] + "z"
BIG_NOTE_LINES = 64_000  # over 5 MB
NOTE_LINE = "Note line with \x1b[2J, \x9b31m, \x1b]52;c;SGVsbG8=\x07 and [bold]markup[/bold] 🦜 \u202e.\n"


def _page() -> str:
    blocks = ["new", "Get trending papers in your email inbox!", "Mar 11"]
    for i, (payload, _, _) in enumerate(TITLE_PAYLOADS):
        blocks += [f"Hostile {i}: {payload}", ABSTRACT.format(payload=payload, i=i), "Upvote", str(i + 3)]
    return "\n\n".join(blocks) + "\n"


def _assert_inert(text: str, what: str) -> None:
    found = FORBIDDEN.search(text)
    where = text[max(0, found.start() - 40) : found.start() + 40] if found else ""
    assert found is None, f"{what}: {found.group()!r} reached the output: {where!r}"


def _outputs(library: Path) -> dict[str, str]:
    """Everything papershelf prints about the library: table, JSON, every export format."""
    commands = {"list": ["list"], "list --json": ["list", "--json"]}
    commands |= {f"export {fmt}": ["export", "--format", fmt] for fmt in FORMATS}
    out = {}
    for name, args in commands.items():
        done = run_cli(*args, library=library)
        assert done.returncode == 0 and "Traceback" not in done.stderr, f"{name}: {done.stderr}"
        out[name] = done.stdout
    return out


@pytest.fixture(scope="module")
def hostile_library(tmp_path_factory) -> Path:
    """A library filled through every door: a page, a JSON export, `mark`, the Library API."""
    folder = tmp_path_factory.mktemp("hostile")
    library = folder / "lib"
    page = folder / "page\x1b]0;name\x07.txt"  # a hostile file name too
    page.write_text(_page(), encoding="utf-8")
    export = {"papershelf": 1, "papers": [{"title": HUGE_TITLE}, {"title": "Lone \ud800 surrogate \udfff"}]}
    (folder / "export.json").write_text(json.dumps(export), encoding="ascii")
    done = run_cli("import", str(page), str(folder / "export.json"), library=library)
    assert done.returncode == 0, done.stderr
    _assert_inert(done.stdout + done.stderr, "import")
    first = json.loads(run_cli("list", "--json", "Hostile 0", library=library).stdout)[0]["id"]
    done = run_cli("mark", first, "--tag", "evil\x1b[2J\x9b1m", "--tag", "[b]x", "--note", NOTE_LINE * 3, library=library)
    assert done.returncode == 0, done.stderr
    _assert_inert(done.stdout + done.stderr, "mark")
    lib = Library.open(library)
    second = lib.search("Hostile 1")[0].entry.id
    lib.set_notes(second, NOTE_LINE * BIG_NOTE_LINES)
    assert len((NOTE_LINE * BIG_NOTE_LINES).encode()) > 5_000_000
    return library


@pytest.fixture(scope="module")
def outputs(hostile_library) -> dict[str, str]:
    return _outputs(hostile_library)


def test_no_output_carries_an_escape_or_control(outputs):
    for name, text in outputs.items():
        _assert_inert(text, name)
        assert "\x1b" not in text and "\x9b" not in text  # stated plainly: ESC, 8-bit CSI


def test_escape_payloads_are_removed_whole_not_left_as_text(outputs):
    for name, text in outputs.items():
        for _, _, leaked in TITLE_PAYLOADS:
            assert leaked is None or leaked not in text, f"{name} shows {leaked!r}"


def test_markup_is_shown_literally_in_the_table(outputs):
    table = outputs["list"]
    markup = [(i, payload) for i, (payload, _, _) in enumerate(TITLE_PAYLOADS) if "[" in payload and payload.isprintable()]
    assert len(markup) == 5
    for i, payload in markup:
        assert f"Hostile {i}: {payload}" in table
    assert "[b]x" in table  # a tag is text too


def test_stored_titles_keep_the_visible_text(outputs):
    listed = {p["title"]: p for p in json.loads(outputs["list --json"])}
    for i, (_, expected, _) in enumerate(TITLE_PAYLOADS):
        assert any(title.startswith(f"Hostile {i}: {expected}") for title in listed), expected
    assert HUGE_TITLE in listed and len(HUGE_TITLE) == 100_000
    assert "Lone \ufffd surrogate \ufffd" in listed
    assert {p["source"] for p in listed.values()} == {"page.txt", "export.json"}  # the file name's OSC went


def test_notes_and_tags_keep_text_and_lose_escapes(outputs):
    by_id = {p["title"].split(":")[0]: p for p in json.loads(outputs["list --json"]) if p["title"].startswith("Hostile")}
    first, second = by_id["Hostile 0"], by_id["Hostile 1"]
    assert first["tags"] == ["evil", "[b]x"]
    kept = "Note line with , ,  and [bold]markup[/bold] 🦜 ."  # escapes gone, the rest exactly
    assert first["notes"].split("\n") == [kept] * 3
    assert second["notes"].split("\n") == [kept] * BIG_NOTE_LINES


# --- inputs that are refused ------------------------------------------------------------

REFUSED = {
    "deep.json": (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    "deep-paper.json": (b'{"papers": [{"title": ' + b'{"a": ' * 50_000 + b"1" + b"}" * 50_000 + b"}]}", "nested too deeply"),
    "duplicate-key.json": (b'{"papers": [{"title": "One", "title": "Two \\u001b[2J"}]}', "duplicate key 'title'"),
    "raw-surrogate.txt": ("A title\n\nAn abstract. Here.\n\nBad \ud800 title\n".encode("utf-8", "surrogatepass"), "not UTF-8"),
    "unbalanced.bib": (b"@article{key1,\n  title = {Unbalanced {brace},\n  year = 2024\n}\n", "balanced braces"),
    "escape-in-timestamp.json": (b'{"papers": [{"title": "T", "first_seen": "2024-13-99\\u001b[2J"}]}', "got '2024-13-99'"),
}


@pytest.mark.parametrize("name", REFUSED)
def test_refused_input_is_one_clear_line_and_changes_nothing(hostile_library, tmp_path, name):
    data, expected = REFUSED[name]
    path = tmp_path / name
    path.write_bytes(data)
    before = snapshot_dir(hostile_library)
    done = run_cli("import", str(path), library=hostile_library)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and name in lines[0] and expected in lines[0], done.stderr
    _assert_inert(done.stderr + done.stdout, name)
    assert snapshot_dir(hostile_library) == before


# --- properties -------------------------------------------------------------------------

_FRAGMENTS = st.sampled_from(
    ["\n", "\n\n", "\r\n", "\x1b", "\x1b[", "\x1b]52;c;", "\x07", "\x9b", "\x9d", "\u202e", "\ud800", "[/]",
     "[@click=app.quit]", "Mar 11", "Upvote", "42", "new", "https://x.org/a).", ". ", "Title", "\ufeff"]
)  # fmt: skip
TEXTS = st.lists(st.one_of(st.characters(), _FRAGMENTS, st.text(string.ascii_letters + " .", max_size=30)), max_size=40).map("".join)


def _is_clean_title(title: str) -> bool:
    return bool(title) and not any(unicodedata.category(ch) in ("Cc", "Cs") for ch in title) and not FORBIDDEN.search(title)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_any_text_parses_to_clean_papers_or_one_import_error(text):
    try:
        found = parse_page(text, "fuzz.txt")
    except ImportFormatError as error:
        assert error.source == "fuzz.txt"
        return
    assert found and all(_is_clean_title(p.title) and not FORBIDDEN.search(p.abstract) for p in found)


@pytest.fixture(scope="module")
def query_library(tmp_path_factory) -> Library:
    library = Library.open(tmp_path_factory.mktemp("query") / "lib")
    library.import_papers(papers(20), "page.txt")
    library.annotate([e.id for e in library.entries()[:5]], read=True, add_tags=["rl", "x"], notes="a note [b]")
    return library


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXTS)
def test_any_query_parses_and_searches_without_raising(query_library, text):
    parse_query(text)
    entries = query_library.entries()
    plain = [m.entry.id for m in search_entries(entries, text)]
    indexed = [m.entry.id for m in query_library.search(text)]
    assert set(indexed) == set(plain) <= {e.id for e in entries}


@pytest.fixture(scope="module")
def export_library(tmp_path_factory) -> Library:
    return Library.open(tmp_path_factory.mktemp("export") / "lib")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=TEXTS, abstract=TEXTS, notes=TEXTS, tags=st.lists(TEXTS, max_size=4))
def test_exports_of_anything_entered_carry_no_escapes(export_library, title, abstract, notes, tags):
    """Text entered through the real doors (a JSON import, annotate) exports inert in every format."""
    imported = load_text(json.dumps({"papers": [{"title": f"T {title}", "abstract": abstract}]}), "fuzz.json")
    export_library.import_papers(imported, "fuzz.json")
    pid = paper_id(imported[0].title)
    entry = export_library.annotate([pid], add_tags=tags, notes=notes)[0]
    for fmt in FORMATS:
        _assert_inert(export([entry], fmt), fmt)


def _in_every_format(text: str) -> list[str]:
    bib_text = text.replace("{", "(").replace("}", ")").replace("@", "at")
    record = {"title": text or "t", "abstract": text, "links": [text], "listed": text, "tags": [text], "notes": text}
    return [text, f"@article{{k1,\n  title = {{{bib_text} x}},\n  abstract = {{{bib_text}}},\n  url = {{{bib_text}}}\n}}\n",
            json.dumps({"papers": [record]})]  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(TEXTS)
def test_every_importer_hands_the_library_papers_already_clean(text):
    """import_file/import_text skip the library's own cleaning pass (cleaned=True): that is
    safe only while every importer's output is exactly what the pass would make of it."""
    from storage.changes.merge import cleaned as _cleaned

    for source in _in_every_format(text):
        try:
            found = load_text(source, "fuzz")
        except ImportFormatError:
            continue
        assert all(_cleaned(paper) == paper for paper in found)
