"""Exports: each format on the sample page and on hostile text, parsed back with real tools."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from datetime import UTC, datetime

import bibtexparser
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from pybtex.database import parse_string as pybtex_parse

from storage.formats.bibtex import bibtex_key, latex_to_text, to_bibtex
from storage.formats.csv import to_csv
from storage.formats.detect import load_text
from storage.formats.export import FORMATS, export
from storage.formats.markdown import markdown_link, to_markdown
from storage.formats.papershelf_json import to_json
from storage.formats.shared import one_line
from storage.model.records import Entry, Paper, Shelf, normalise_tags
from storage.model.text import clean_block, clean_line

from tests.helpers import SAMPLE_COUNT, sample_answers

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
HOSTILE = [
    "a[/]b",
    "# head",
    "*x*",
    "|",
    "[x](javascript:alert(1))",
    "<script>alert(1)</script>",
    '=HYPERLINK("http://x")',
    "+1",
    "-2",
    "@SUM(A1)",
    "}{\\",
    "%&$#_~^",
    "unbalanced {",
    "line one\nline two",
    "emoji 🎉 ReLIC 🧪",
    "1. ordered",
    "---",
    "> quote",
    "`tick`",
    "&amp; entity",
    "trailing \\",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _id(title: str) -> str:
    return hashlib.sha1(" ".join(title.lower().split()).encode()).hexdigest()[:12]


def _annotated(i: int, answer: dict) -> Entry:
    """A paper of the sample page (from its answer key, not the parser), triaged by its index."""
    title, abstract, links = answer["title"], answer["abstract"], tuple(answer["links"])
    paper = Paper(_id(title), title, abstract, links, answer["listed"], "2026-11-20T08:00:00+00:00", i)
    shelf = Shelf(
        read=i % 3 == 0,
        starred=i % 5 == 0,
        tags=normalise_tags(["rl", "to-read"][: i % 3]),
        notes="" if i % 4 else f"Great paper 🎉\nsee section {i}\n\n- not a list",
        read_at="2026-11-21T10:00:00+00:00" if i % 3 == 0 else "",
        updated="2026-11-21T10:00:00+00:00" if i % 3 == 0 or i % 4 == 0 else "",
    )
    return Entry(paper, shelf)


@pytest.fixture(scope="module")
def sample_entries() -> list[Entry]:
    return [_annotated(i, answer) for i, answer in enumerate(sample_answers())]


def _hostile_entry(i: int, text: str) -> Entry:
    paper = Paper(_id(f"{i} {text}"), text, f"abstract: {text}", ("https://example.org/p?q=1",))
    tags = normalise_tags([text, "x" + text])
    shelf = Shelf(read=i % 2 == 0, starred=i % 3 == 0, tags=tags, notes=f"{text}\n{text}")
    return Entry(paper, shelf)


@pytest.fixture(scope="module")
def hostile_entries() -> list[Entry]:
    return [_hostile_entry(i, text) for i, text in enumerate(HOSTILE)]


def test_the_sample_has_papers_with_and_without_abstracts_and_links(sample_entries):
    assert len(sample_entries) == SAMPLE_COUNT
    assert sum(not e.paper.abstract for e in sample_entries) == 2
    assert sum(bool(e.paper.links) for e in sample_entries) == 7
    assert {e.paper.listed for e in sample_entries} == {"Mar 11", "Mar 10", "Mar 9"}


# --- Markdown ---------------------------------------------------------------------------

MD = MarkdownIt("commonmark")


def _items(markdown: str) -> list[list]:
    """The tokens of each top-level list item."""
    items, depth, current = [], 0, []
    for token in MD.parse(markdown):
        if token.type == "list_item_open":
            depth += 1
            if depth == 1:
                current = []
        if depth >= 1:
            current.append(token)
        if token.type == "list_item_close":
            depth -= 1
            if depth == 0:
                items.append(current)
    return items


def _first_line(item: list) -> list:
    """Inline children of the item's first paragraph."""
    return next(t for t in item if t.type == "inline").children


def _plain(children: list) -> str:
    """The text a reader sees: escapes resolved, soft line breaks as newlines."""
    return "".join("\n" if c.type == "softbreak" else c.content for c in children)


def _quoted(item: list) -> str:
    """The text of the block quote (the note) inside a list item."""
    return "\n".join([_plain(t.children) for t in item if t.type == "inline"][1:])


def _link_text(children: list) -> tuple[str | None, str]:
    href, text, inside = None, [], False
    for child in children:
        if child.type == "link_open":
            href, inside = child.attrs["href"], True
        elif child.type == "link_close":
            break
        elif inside:
            text.append(child.content)
    return href, "".join(text)


def _expected_first_line(entry: Entry) -> str:
    """What a reader sees on an item's first line: task box, title, star, tags."""
    box = "[x]" if entry.shelf.read else "[ ]"
    star = ["★"] if entry.shelf.starred else []
    tags = ["#" + tag for tag in entry.shelf.tags]
    return " ".join([box, one_line(entry.paper.title), *star, *tags])


def test_markdown_heading_names_scope_date_and_count(sample_entries):
    md = to_markdown(sample_entries[:3], scope="starred", now=NOW)
    heading = _plain([t for t in MD.parse(md) if t.type == "inline"][0].children)
    assert heading == "Reading list — starred (2026-11-24)"
    assert "\n3 papers\n" in md
    assert "\n1 paper\n" in to_markdown(sample_entries[:1], now=NOW)
    assert "\n1,200 papers\n" in to_markdown(sample_entries[:1] * 1200, now=NOW)


def test_markdown_link_is_the_exported_title_link_or_nothing_without_a_web_link(sample_entries, hostile_entries):
    for entry in [*sample_entries, *hostile_entries]:
        link = markdown_link(entry)
        if entry.paper.links:
            href, text = _link_text(_first_line(_items(f"- {link}")[0]))
            assert (href, text) == (entry.paper.links[0], one_line(entry.paper.title))
            assert link in to_markdown([entry], now=NOW)
        else:
            assert link == ""


def test_markdown_sample_one_task_item_per_paper(sample_entries):
    md = to_markdown(sample_entries, now=NOW)
    items = _items(md)
    assert len(items) == len(sample_entries) == SAMPLE_COUNT
    lines = [line for line in md.splitlines() if line.startswith("- [")]
    for entry, item, line in zip(sample_entries, items, lines):
        assert line.startswith("- [x] " if entry.shelf.read else "- [ ] ")
        assert ("★" in line) == entry.shelf.starred
        for tag in entry.shelf.tags:
            assert f"`#{tag}`" in line
        assert _plain(_first_line(item)) == _expected_first_line(entry)
        href, text = _link_text(_first_line(item))
        assert href == (entry.paper.links[0] if entry.paper.links else None)
        assert text == (entry.paper.title if entry.paper.links else "")


def test_markdown_notes_stay_inside_their_item(sample_entries):
    md = to_markdown(sample_entries, now=NOW)
    for entry, item in zip(sample_entries, _items(md)):
        if entry.shelf.notes:
            expected = f"Great paper 🎉\nsee section {entry.paper.position}\n- not a list"
            assert _quoted(item) == expected
            assert not any(t.type == "bullet_list_open" for t in item)
        else:
            assert _quoted(item) == ""


def test_markdown_hostile_text_stays_literal(hostile_entries):
    md = to_markdown(hostile_entries, scope="# <b>scope</b> *", now=NOW)
    tokens = MD.parse(md)
    assert [t.tag for t in tokens if t.type == "heading_open"] == ["h1"]
    assert not any(t.type in ("html_block", "html_inline") for t in tokens)
    items = _items(md)
    assert len(items) == len(hostile_entries)
    for entry, item in zip(hostile_entries, items):
        href, text = _link_text(_first_line(item))
        assert href == "https://example.org/p?q=1"
        assert text == one_line(entry.paper.title)
        assert _quoted(item) == entry.shelf.notes
        code = [c.content for c in _first_line(item) if c.type == "code_inline"]
        assert code == ["#" + tag for tag in entry.shelf.tags]
        assert _plain(_first_line(item)) == _expected_first_line(entry)
    for parser in (MD, MarkdownIt("gfm-like")):  # GitHub's extras: tables, ~~, autolinks
        html = parser.render(md)
        assert "<script>" not in html and "<table>" not in html and "<del>" not in html
        assert html.count("<li>") == len(hostile_entries)
        assert all(re.match(r"https?://", h) for h in re.findall(r'href="([^"]*)"', html))


def test_markdown_links_only_http_and_escaped():
    entries = [
        Entry(Paper("a", "Evil", links=("javascript:alert(1)",))),
        Entry(Paper("b", "Data", links=("data:text/html,x", "ftp://x.org/f"))),
        Entry(Paper("c", "Spaced", links=("https://x.org/a b(c)<d>",))),
    ]
    items = _items(to_markdown(entries, now=NOW))
    assert _link_text(_first_line(items[0])) == (None, "")
    assert _link_text(_first_line(items[1])) == (None, "")
    assert _link_text(_first_line(items[2])) == ("https://x.org/a%20b%28c%29%3Cd%3E", "Spaced")


# --- BibTeX -----------------------------------------------------------------------------

BIB_KEY = re.compile(r"^[A-Za-z0-9_:-]+$")


def _unprotect(value: str) -> str:
    """Plain text of a sample title field: the sample has no LaTeX beyond escapes and braces."""
    return " ".join(re.sub(r"\\([&%$#_])", r"\1", value).replace("{", "").replace("}", "").split())


def _check_brace_depth(bib: str) -> None:
    """Count every brace the way BibTeX does (backslashes do not escape): never unbalanced."""
    depth = 0
    for char in bib:
        depth += {"{": 1, "}": -1}.get(char, 0)
        assert depth >= 0
    assert depth == 0


def test_bibtex_sample_parses_with_bibtexparser_and_pybtex(sample_entries):
    bib = to_bibtex(sample_entries)
    _check_brace_depth(bib)
    library = bibtexparser.parse_string(bib)
    assert library.failed_blocks == []
    pybtex_entries = pybtex_parse(bib, "bibtex").entries
    assert len(library.entries) == len(pybtex_entries) == len(sample_entries)
    for entry, parsed in zip(sample_entries, library.entries):
        assert parsed.entry_type == "misc"
        assert _unprotect(parsed["title"]) == entry.paper.title
        assert _unprotect(pybtex_entries[parsed.key].fields["title"]) == entry.paper.title
        if entry.paper.abstract:
            assert latex_to_text(parsed["abstract"]) == entry.paper.abstract
        else:
            assert "abstract" not in parsed.fields_dict


def test_bibtex_protects_capitals_and_carries_fields(sample_entries):
    first = sample_entries[0]
    bib = to_bibtex([first])
    parsed = bibtexparser.parse_string(bib).entries[0]
    assert parsed["title"] == "{TIDAL:} {Tide-Aware} {Credit} {Assignment} for {Long-Horizon} {Embodied} {Agents}"
    assert parsed["url"] == "https://github.com/tidal-agents/tidal"
    assert parsed["urldate"] == "2026-11-20"
    noted = next(e for e in sample_entries if e.shelf.notes and e.shelf.tags)
    fields = bibtexparser.parse_string(to_bibtex([noted])).entries[0].fields_dict
    assert latex_to_text(fields["note"].value, keep_newlines=True) == noted.shelf.notes
    assert fields["keywords"].value == ", ".join(noted.shelf.tags)


def test_bibtex_keys_valid_unique_and_stable(sample_entries):
    keys = [e.key for e in bibtexparser.parse_string(to_bibtex(sample_entries)).entries]
    assert len(set(keys)) == len(keys)
    assert all(BIB_KEY.match(key) for key in keys)
    assert keys[0] == bibtex_key(sample_entries[0]) and keys[0].startswith("tidal_")
    subset = sample_entries[40:45]
    again = [e.key for e in bibtexparser.parse_string(to_bibtex(subset)).entries]
    assert again == keys[40:45]


def test_bibtex_keys_unique_when_papers_share_words_and_id_prefix():
    twins = [
        Entry(Paper("abcdef0123456789", "Attention Is All You Need")),
        Entry(Paper("abcdef01zzzz", "Attention is all you need, again")),
        Entry(Paper("!!!", "Ünïcode Ωmega")),
        Entry(Paper("???", "的 论文")),
    ]
    keys = [e.key for e in bibtexparser.parse_string(to_bibtex(twins)).entries]
    assert len(set(keys)) == 4
    assert all(BIB_KEY.match(key) for key in keys)
    assert keys[0].startswith("attention_") and keys[2].startswith("unicode_")
    assert keys[3].startswith("paper_")


def test_bibtex_hostile_text_parses_and_round_trips(hostile_entries):
    bib = to_bibtex(hostile_entries)
    _check_brace_depth(bib)
    library = bibtexparser.parse_string(bib)
    assert library.failed_blocks == []
    pybtex_entries = pybtex_parse(bib, "bibtex").entries
    assert len(library.entries) == len(pybtex_entries) == len(hostile_entries)
    for entry, parsed in zip(hostile_entries, library.entries):
        title = one_line(entry.paper.title)
        assert latex_to_text(parsed["title"]) == title
        assert latex_to_text(pybtex_entries[parsed.key].fields["title"]) == title
    imported = load_text(bib, "hostile.bib")
    for entry, paper in zip(hostile_entries, imported):
        assert paper.title == clean_line(entry.paper.title)
        assert paper.abstract == clean_line(entry.paper.abstract)
        assert paper.shelf.notes == entry.shelf.notes
        assert paper.shelf.tags == normalise_tags(entry.shelf.tags)
        assert paper.links == entry.paper.links


# --- CSV --------------------------------------------------------------------------------


def _read_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def _page(entry: Entry) -> str:
    """The url column: the arXiv abstract page, else the first link (these tests use web links)."""
    if entry.paper.arxiv_id:
        return f"https://arxiv.org/abs/{entry.paper.arxiv_id}"
    return entry.paper.links[0] if entry.paper.links else ""


def _expected_row(entry: Entry) -> list[str]:
    paper, shelf = entry.paper, entry.shelf
    cells = [
        paper.id, paper.title, str(shelf.read).lower(), str(shelf.starred).lower(),
        ";".join(shelf.tags), shelf.notes, " ".join(paper.links), paper.listed,
        paper.first_seen, paper.abstract, "; ".join(paper.authors), paper.arxiv_id, paper.published,
        "; ".join(paper.categories), paper.details.doi, _page(entry),
    ]  # fmt: skip
    return ["'" + c if c.startswith(FORMULA_STARTS) else c for c in cells]


@pytest.mark.parametrize("which", ["sample_entries", "hostile_entries"])
def test_csv_reads_back_cell_for_cell(which, request):
    entries = request.getfixturevalue(which)
    text = to_csv(entries)
    assert text.endswith("\r\n")
    rows = _read_csv(text)
    assert rows[0] == [
        "id", "title", "read", "starred", "tags", "notes", "links", "listed", "first_seen",
        "abstract", "authors", "arxiv_id", "published", "categories", "doi", "url",
    ]  # fmt: skip
    assert rows[1:] == [_expected_row(entry) for entry in entries]
    assert not any(cell.startswith(FORMULA_STARTS) for row in rows for cell in row)


def test_csv_defuses_formulas(hostile_entries):
    rows = _read_csv(to_csv(hostile_entries))
    titles = [row[1] for row in rows[1:]]
    assert '\'=HYPERLINK("http://x")' in titles
    assert {"'+1", "'-2", "'@SUM(A1)"} <= set(titles)
    tabbed = Entry(Paper("t", "\tcmd", abstract="\r=1+1"))
    row = _read_csv(to_csv([tabbed]))[1]
    assert (row[1], row[9]) == ("'\tcmd", "'\r=1+1")


# --- JSON -------------------------------------------------------------------------------


def test_json_holds_everything(sample_entries):
    doc = json.loads(to_json(sample_entries, now=NOW))
    assert doc["papershelf"] == 1
    assert doc["exported"] == "2026-11-24T09:30:00+00:00"
    assert doc["papers"] == [entry.to_doc() for entry in sample_entries]
    assert "🎉" in to_json(sample_entries, now=NOW)  # ensure_ascii=False


@pytest.mark.parametrize("which", ["sample_entries", "hostile_entries"])
def test_json_round_trips_through_the_importer(which, request):
    entries = request.getfixturevalue(which)
    imported = load_text(to_json(entries, now=NOW), "export.json")
    assert len(imported) == len(entries)
    for entry, paper in zip(entries, imported):
        assert paper.title == clean_line(entry.paper.title)
        assert paper.abstract == clean_line(entry.paper.abstract)
        assert paper.links == entry.paper.links
        assert paper.listed == entry.paper.listed
        assert paper.first_seen == entry.paper.first_seen
        expected = entry.shelf
        if which == "hostile_entries":
            expected = Shelf(
                expected.read, expected.starred, normalise_tags(expected.tags), expected.notes
            )
        assert paper.shelf == expected


# --- dispatch ---------------------------------------------------------------------------


def test_export_dispatches_each_format(sample_entries):
    some = sample_entries[:5]
    assert export(some, "md", "starred", NOW) == to_markdown(some, "starred", NOW)
    assert export(some, "bib") == to_bibtex(some)
    assert export(some, "csv") == to_csv(some)
    assert export(some, "json", now=NOW) == to_json(some, NOW)
    assert FORMATS == ("md", "bib", "csv", "json")


def test_export_rejects_unknown_format_naming_the_valid_ones(sample_entries):
    with pytest.raises(ValueError, match="'pdf'.*md, bib, csv, json"):
        export(sample_entries, "pdf")


def test_empty_exports_are_valid():
    assert bibtexparser.parse_string(to_bibtex([])).entries == []
    assert _read_csv(to_csv([]))[1:] == []
    assert json.loads(to_json([], NOW))["papers"] == []
    assert _items(to_markdown([], now=NOW)) == [] and "0 papers" in to_markdown([], now=NOW)


# --- properties -------------------------------------------------------------------------

_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)
_NOTES = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\n"), max_size=60
)
_PAPERS = st.lists(
    st.tuples(_TEXT.filter(lambda t: clean_line(t) != ""), _NOTES, st.lists(_TEXT, max_size=3)),
    min_size=1,
    max_size=4,
)


def _entries(papers: list[tuple[str, str, list[str]]]) -> list[Entry]:
    return [
        Entry(
            Paper(_id(f"{i}{title}"), clean_line(title), links=("https://x.org/p",)),
            Shelf(starred=i % 2 == 1, tags=normalise_tags(tags), notes=clean_block(notes)),
        )
        for i, (title, notes, tags) in enumerate(papers)
    ]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_PAPERS)
def test_property_bibtex_parses_with_pybtex_and_round_trips(papers):
    entries = _entries(papers)
    bib = to_bibtex(entries)
    _check_brace_depth(bib)
    assert len(pybtex_parse(bib, "bibtex").entries) == len(entries)
    imported = load_text(bib, "random.bib")
    assert [p.title for p in imported] == [e.paper.title for e in entries]
    assert [p.shelf.notes if p.shelf else "" for p in imported] == [e.shelf.notes for e in entries]


@settings(max_examples=150, deadline=None)
@given(_PAPERS)
def test_property_csv_round_trips(papers):
    entries = _entries(papers)
    rows = _read_csv(to_csv(entries))
    assert rows[1:] == [_expected_row(entry) for entry in entries]


@settings(max_examples=150, deadline=None)
@given(_PAPERS)
def test_property_markdown_one_literal_item_per_paper(papers):
    entries = _entries(papers)
    items = _items(to_markdown(entries, now=NOW))
    assert len(items) == len(entries)
    for entry, item in zip(entries, items):
        assert _link_text(_first_line(item)) == ("https://x.org/p", entry.paper.title)
