"""Exports that can be cited (#16): papers with authors, arXiv ids, dates, categories and details
in BibTeX (read back with bibtexparser and pybtex), Markdown, CSV and JSON (round trip)."""

from __future__ import annotations

import csv
import io
import json
import random
import re

import bibtexparser
import pytest
from bibtexparser.middlewares import SeparateCoAuthors
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from pybtex.database import parse_string as pybtex_parse

from storage.formats.bibtex import latex_to_text, to_bibtex
from storage.formats.csv import to_csv
from storage.formats.detect import load_text
from storage.formats.markdown import markdown_link, to_markdown
from storage.formats.papershelf_json import to_json
from storage.library import Library
from storage.model.errors import ImportFormatError
from storage.model.ids import paper_id
from storage.model.imported import ImportedPaper
from storage.model.records import Details, Entry, Paper, Shelf
from storage.model.text import clean_line

from tests.storage.test_export import HOSTILE, NOW, _check_brace_depth

ORIGIN = (("arxiv_id", "arxiv-api"), ("authors", "arxiv-api"), ("upvotes", "hf"))


def _paper(title: str, **facts) -> Paper:
    arxiv = facts.get("arxiv_id", "")
    links = (f"https://arxiv.org/abs/{arxiv}", f"https://arxiv.org/pdf/{arxiv}") if arxiv else ()
    return Paper(paper_id(title), title, f"Abstract of {title}.", links, first_seen="2026-11-20T08:00:00+00:00", **facts)


ATTENTION = _paper(
    "Attention Is All You Need",
    authors=("Ashish Vaswani", "Noam Shazeer", "Niki Parmar", "Jakob Uszkoreit", "Llion Jones"),
    arxiv_id="1706.03762", published="2017-06-12", categories=("cs.CL", "cs.LG"),
    details=Details(primary_category="cs.CL", upvotes=120, github_stars=5000, code_url="https://github.com/t/t",
                    project_url="https://t.example/", hf_url="https://huggingface.co/papers/1706.03762", origin=ORIGIN),
)  # fmt: skip
RESNET = _paper(
    "Deep Residual Learning for Image Recognition",
    authors=("Kaiming He", "Xiangyu Zhang", "Shaoqing Ren", "Jian Sun"),
    arxiv_id="1512.03385", published="2015-12-10", categories=("cs.CV",),
    details=Details(doi="10.1109/CVPR.2016.90", journal_ref="CVPR 2016, pp. 770-778", primary_category="cs.CV"),
)  # fmt: skip
OLD_STYLE = _paper(
    "The Large N Limit of Superconformal Field Theories",
    authors=("Édouard Brézin", "Jürgen Müller Jr.", "Søren Ørsted"),
    arxiv_id="hep-th/9711200", published="1997-11", categories=("hep-th",),
)  # fmt: skip
NO_FACTS = _paper("A Paper From a Page")
CITED = [Entry(ATTENTION, Shelf(tags=("rl",))), Entry(RESNET), Entry(OLD_STYLE), Entry(NO_FACTS)]


def _bibtexparser(bib: str) -> dict[str, object]:
    library = bibtexparser.parse_string(bib, append_middleware=[SeparateCoAuthors()])
    assert library.failed_blocks == []
    return {entry.key: entry for entry in library.entries}


def _pybtex_names(persons: list) -> list[str]:
    return [latex_to_text(" ".join(p.first_names + p.middle_names + p.prelast_names + p.last_names)) for p in persons]


# --- BibTeX -----------------------------------------------------------------------------


def test_bibtex_of_arxiv_papers_reads_back_with_bibtexparser_and_pybtex():
    bib = to_bibtex(CITED)
    _check_brace_depth(bib)
    ours, theirs = _bibtexparser(bib), pybtex_parse(bib, "bibtex").entries
    assert list(ours) == list(theirs) == ["vaswani2017attention", "he2015deep", "brezin1997large", "paper_" + NO_FACTS.id[:8]]
    for entry, key in zip(CITED[:3], ours):
        paper, parsed, other = entry.paper, ours[key], theirs[key]
        assert [latex_to_text(name) for name in parsed["author"]] == list(paper.authors)
        assert _pybtex_names(other.persons["author"]) == list(paper.authors)
        assert parsed["year"] == other.fields["year"] == paper.published[:4]
        assert parsed["eprint"] == other.fields["eprint"] == paper.arxiv_id
        assert parsed["archivePrefix"] == other.fields["archivePrefix"] == "arXiv"
        assert parsed["primaryClass"] == other.fields["primaryClass"] == paper.categories[0]
        assert parsed["url"] == other.fields["url"] == f"https://arxiv.org/abs/{paper.arxiv_id}"
    assert (ours["vaswani2017attention"]["month"], theirs["vaswani2017attention"].fields["month"]) == ("jun", "June")
    assert (ours["brezin1997large"]["month"], theirs["brezin1997large"].fields["month"]) == ("nov", "November")
    assert ours["vaswani2017attention"]["date"] == "2017-06-12" and "date" not in ours["brezin1997large"].fields_dict


def test_bibtex_entry_types_doi_and_journal():
    ours = _bibtexparser(to_bibtex(CITED))
    resnet, attention, plain = ours["he2015deep"], ours["vaswani2017attention"], ours["paper_" + NO_FACTS.id[:8]]
    assert (resnet.entry_type, attention.entry_type, plain.entry_type) == ("article", "misc", "misc")
    assert resnet["doi"] == "10.1109/CVPR.2016.90"
    assert resnet["journal"] == "CVPR 2016, pp. 770-778"
    assert "doi" not in attention.fields_dict and "journal" not in attention.fields_dict
    assert not {"author", "year", "eprint", "archivePrefix"} & set(plain.fields_dict)


def test_bibtex_export_reimports_with_its_facts():
    papers = {paper.title: paper for paper in load_text(to_bibtex(CITED), "cited.bib")}
    for entry in CITED[:3]:
        paper, back = entry.paper, papers[entry.paper.title]
        assert (back.authors, back.arxiv_id, back.published) == (paper.authors, paper.arxiv_id, paper.published)
        assert back.categories == paper.categories[:1]  # BibTeX holds the primary class only
        assert (back.details.doi, back.details.journal_ref) == (paper.details.doi, paper.details.journal_ref)
        assert back.links[:2] == paper.links  # the abstract page and the PDF
        assert dict(back.details.origin)["authors"] == "bibtex"
    plain = papers[NO_FACTS.title]
    assert (plain.authors, plain.arxiv_id, plain.published, plain.categories) == ((), "", "", ())


# --- keys -------------------------------------------------------------------------------


def _keys(entries: list[Entry]) -> list[str]:
    return [entry.key for entry in bibtexparser.parse_string(to_bibtex(entries)).entries]


def _by(author: str, title: str, published: str = "2024-03-11", arxiv: str = "") -> Entry:
    return Entry(_paper(title, authors=(author, "Someone Else"), published=published, arxiv_id=arxiv))


@pytest.mark.parametrize(
    ("author", "title", "published", "key"),
    [
        ("Ada Lovelace", "The Analytical Engine", "1843-09-01", "lovelace1843analytical"),
        ("Lovelace, Ada", "On the Engine", "1843", "lovelace1843engine"),
        ("Martin Luther King Jr.", "A Dream of 2024", "1963-08", "king1963dream"),
        ("Ludwig van Beethoven", "9 Symphonies", "", "beethovensymphonies"),
        ("Jürgen Müller", "Über Alles", "2024-01-02", "muller2024uber"),
        ("Søren Ørsted", "Ørsted's Law", "2024-01-02", "orsted2024orsted"),
        ("Karl Weiß", "Of the Of", "2024-01-02", "weiss2024paper"),
    ],
)
def test_keys_are_lastname_year_word(author, title, published, key):
    assert _keys([_by(author, title, published)]) == [key]


def test_keys_without_a_usable_author_keep_the_word_and_id_style():
    han = Entry(_paper("Deep Learning Survey", authors=("李明",)))
    keys = _keys([han, Entry(NO_FACTS)])
    assert keys == ["deep_" + han.paper.id[:8], "paper_" + NO_FACTS.id[:8]]


def test_shared_keys_get_letters_by_date_arxiv_id_and_id_whatever_the_order():
    same = [
        _by("Yann LeCun", "Convolutional Networks Again", "2024-05-01", "2405.00002"),
        _by("Yann LeCun", "Convolutional Networks", "2024-05-01", "2405.00001"),
        _by("Y. LeCun", "Convolutional nets, a third", "2024-02-01"),
        _by("Yann LeCun", "Convolutional Networks Four", "2024-05-01"),
    ]
    other = _by("Yann LeCun", "Graph Networks", "2024-05-01")
    keys = dict(zip((e.id for e in same + [other]), _keys(same + [other])))
    assert keys[same[2].id] == "lecun2024convolutional"  # the earliest keeps the key
    # then the same date without an arXiv id, then by arXiv id
    assert [keys[e.id] for e in (same[3], same[1], same[0])] == [
        "lecun2024convolutionala", "lecun2024convolutionalb", "lecun2024convolutionalc"
    ]
    assert keys[other.id] == "lecun2024graph"
    shuffled = same + [other]
    random.Random(7).shuffle(shuffled)
    assert dict(zip((e.id for e in shuffled), _keys(shuffled))) == keys


def test_many_shared_keys_stay_unique_and_valid():
    entries = [_by("Ann Lee", f"Scaling {n}", "2024-01-01", f"2401.{n:05d}") for n in range(60)]
    entries.append(_by("Ann Lee", "Scalinga", "2024-01-01"))  # its own key is another's suffixed key
    keys = _keys(entries)
    assert len(set(keys)) == len(keys) == 61
    assert all(re.fullmatch(r"lee2024scaling[a-z]*", key) for key in keys)
    assert keys[0] == "lee2024scaling" and keys[-1] == "lee2024scalinga" and "lee2024scalingaa" in keys


# --- hostile text -----------------------------------------------------------------------

HOSTILE_NAMES = [
    *HOSTILE,
    "Jean and Marie", "AND", "others", "Smith, John", "Doe, Jr., Jane", "{Braced} Name", "}Close{",
    "Back\\slash", "100% Real", "@misc{x,", "Ünal Çağ", "Ω", "a,b,c", "Fran{\\c c}ois", "~tilde~",
]  # fmt: skip


def _hostile_paper(i: int, name: str) -> Entry:
    authors = (clean_line(name), f"Second {i}")
    title = f"{name} {{ paper"
    paper = _paper(clean_line(title), authors=authors, arxiv_id=f"2401.{i:05d}", published="2024-01-02",
                   categories=(f"cs.{name[:2]}",), details=Details(doi=f"10.1/{name}", journal_ref=clean_line(name)))  # fmt: skip
    return Entry(paper)


@pytest.fixture(scope="module")
def hostile() -> list[Entry]:
    return [_hostile_paper(i, name) for i, name in enumerate(HOSTILE_NAMES)]


def test_hostile_names_and_titles_never_break_a_field(hostile):
    bib = to_bibtex(hostile)
    _check_brace_depth(bib)
    ours, theirs = _bibtexparser(bib), pybtex_parse(bib, "bibtex").entries
    assert len(ours) == len(theirs) == len(hostile)
    for entry, key in zip(hostile, ours):
        paper = entry.paper
        assert [latex_to_text(name) for name in ours[key]["author"]] == list(paper.authors)
        assert _pybtex_names(theirs[key].persons["author"]) == list(paper.authors)
        assert latex_to_text(ours[key]["title"]) == paper.title
        assert latex_to_text(ours[key]["journal"]) == paper.details.journal_ref
        assert ours[key]["eprint"] == theirs[key].fields["eprint"] == paper.arxiv_id
    back = load_text(bib, "hostile.bib")
    assert [p.authors for p in back] == [e.paper.authors for e in hostile]
    assert [p.title for p in back] == [e.paper.title for e in hostile]
    assert [p.details.journal_ref for p in back] == [e.paper.details.journal_ref for e in hostile]


_NAME = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20).map(clean_line).filter(bool)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(_NAME, min_size=1, max_size=4, unique=True), min_size=1, max_size=4))
def test_property_any_names_read_back_with_both_parsers(author_lists):
    entries = [Entry(_paper(f"Paper {i}", authors=tuple(names), arxiv_id=f"2402.{i:05d}")) for i, names in enumerate(author_lists)]
    bib = to_bibtex(entries)
    _check_brace_depth(bib)
    theirs = pybtex_parse(bib, "bibtex").entries
    ours = _bibtexparser(bib)
    assert len(ours) == len(theirs) == len(entries)
    for entry, key in zip(entries, ours):
        names = [" ".join(name.split()) for name in entry.paper.authors if name.split()]  # any space is a space
        assert [latex_to_text(name) for name in ours[key]["author"]] == names
        assert _pybtex_names(theirs[key].persons["author"]) == names
    back = [p.authors for p in load_text(bib, "random.bib")]
    assert back == [tuple(" ".join(name.split()) for name in e.paper.authors if name.split()) for e in entries]


# --- BibTeX from other tools ------------------------------------------------------------

OTHERS = r"""
@article{scholar,
  title={Mamba: Linear-Time Sequence Modeling},
  author={Gu, Albert and Dao, Tri and others},
  journal={arXiv preprint arXiv:2312.00752},
  year={2023},
  month=dec
}
@online{biblatex,
  title = {Direct Preference Optimization},
  author = {Rafailov, Rafael and M{\"u}ller, J{\"o}rg and Finn, Jr., Chelsea},
  eprinttype = {arxiv},
  eprint = {2305.18290v3},
  eprintclass = {cs.LG},
  date = {2023-05-29/2023-06-01},
  doi = {https://doi.org/10.5555/dpo\_1},
}
@misc{monthly,
  title = {Months},
  author = {A. Author},
  year = 2021,
  month = {March},
  url = {https://arxiv.org/abs/2103.00020v1},
}
@misc{hal,
  title = {Not arXiv},
  eprint = {hal-01234567},
  archivePrefix = {HAL},
  year = {20xx},
  month = 13,
}
"""


def test_bibtex_from_other_tools_gives_its_facts():
    scholar, biblatex, monthly, hal = load_text(OTHERS, "others.bib")
    assert (scholar.authors, scholar.arxiv_id, scholar.published) == (("Albert Gu", "Tri Dao"), "2312.00752", "2023-12")
    assert scholar.details.journal_ref == ""  # "arXiv preprint" names no journal
    assert biblatex.authors == ("Rafael Rafailov", "Jörg Müller", "Chelsea Finn, Jr.")
    assert (biblatex.arxiv_id, biblatex.published, biblatex.details.doi) == ("2305.18290", "2023-05-29", "10.5555/dpo_1")
    assert (biblatex.categories, biblatex.details.primary_category) == (("cs.LG",), "cs.LG")
    assert "https://doi.org/10.5555/dpo_1" in biblatex.links
    assert (monthly.arxiv_id, monthly.published, monthly.authors) == ("2103.00020", "2021-03", ("A. Author",))
    assert (hal.arxiv_id, hal.published, hal.details.origin) == ("", "", ())


# --- Markdown ---------------------------------------------------------------------------

MD = MarkdownIt("commonmark")


def _inline_of_items(markdown: str) -> list[list]:
    tokens = MD.parse(markdown)
    return [tokens[i + 2].children for i, t in enumerate(tokens) if t.type == "list_item_open"]


def _links(children: list) -> list[tuple[str, str]]:
    links, href, text = [], None, []
    for child in children:
        if child.type == "link_open":
            href, text = child.attrs["href"], []
        elif child.type == "link_close":
            links.append((href, "".join(text)))
            href = None
        elif href is not None:
            text.append(child.content)
    return links


def _lines(children: list) -> list[str]:
    return "".join("\n" if c.type == "softbreak" else c.content for c in children).split("\n")


def test_markdown_shows_authors_and_links_to_the_abstract_page():
    items = _inline_of_items(to_markdown(CITED, now=NOW))
    assert len(items) == len(CITED)
    attention = items[0]
    assert _links(attention) == [
        ("https://arxiv.org/abs/1706.03762", "Attention Is All You Need"),
        ("https://arxiv.org/abs/1706.03762", "arXiv:1706.03762"),
    ]
    assert _lines(attention)[1] == "Ashish Vaswani, Noam Shazeer, Niki Parmar et al. · arXiv:1706.03762"
    assert _lines(items[1])[1] == "Kaiming He, Xiangyu Zhang, Shaoqing Ren et al. · arXiv:1512.03385"
    assert _lines(items[2])[1] == "Édouard Brézin, Jürgen Müller Jr., Søren Ørsted · arXiv:hep-th/9711200"
    assert _lines(items[3]) == ["[ ] A Paper From a Page"]
    assert markdown_link(CITED[1]) == "[Deep Residual Learning for Image Recognition](https://arxiv.org/abs/1512.03385)"


def test_markdown_hostile_names_stay_literal(hostile):
    md = to_markdown(hostile, now=NOW)
    tokens = MD.parse(md)
    assert not any(t.type in ("html_block", "html_inline", "heading_open", "blockquote_open") for t in tokens[3:])
    items = _inline_of_items(md)
    assert len(items) == len(hostile)
    for entry, item in zip(hostile, items):
        assert _lines(item)[1] == f"{entry.paper.authors[0]}, {entry.paper.authors[1]} · arXiv:{entry.paper.arxiv_id}"
        assert [href for href, _ in _links(item)] == [f"https://arxiv.org/abs/{entry.paper.arxiv_id}"] * 2


# --- CSV --------------------------------------------------------------------------------


def test_csv_has_the_facts_and_defuses_formulas(hostile):
    rows = list(csv.DictReader(io.StringIO(to_csv([*CITED, *hostile]), newline="")))
    attention, resnet, old, plain = rows[:4]
    assert attention["authors"] == "Ashish Vaswani; Noam Shazeer; Niki Parmar; Jakob Uszkoreit; Llion Jones"
    assert (attention["arxiv_id"], attention["published"], attention["categories"]) == ("1706.03762", "2017-06-12", "cs.CL; cs.LG")
    assert (attention["url"], attention["doi"]) == ("https://arxiv.org/abs/1706.03762", "")
    assert (resnet["doi"], old["published"], old["arxiv_id"]) == ("10.1109/CVPR.2016.90", "1997-11", "hep-th/9711200")
    assert (plain["authors"], plain["arxiv_id"], plain["url"]) == ("", "", "")
    for entry, row in zip(hostile, rows[4:]):
        joined = "; ".join(entry.paper.authors)
        assert row["authors"] == ("'" + joined if joined.startswith(("=", "+", "-", "@")) else joined)
    assert any(row["authors"].startswith("'=") for row in rows[4:])
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row.values())


# --- JSON -------------------------------------------------------------------------------


def test_json_export_round_trips_every_fact():
    doc = json.loads(to_json(CITED, now=NOW))
    assert doc["papers"][0]["authors"] == list(ATTENTION.authors)
    assert doc["papers"][0]["details"]["origin"] == [list(pair) for pair in ORIGIN]
    assert (doc["papers"][3]["arxiv_id"], doc["papers"][3]["published"], doc["papers"][3]["details"]) == (None, None, {})
    for entry, back in zip(CITED, load_text(to_json(CITED, now=NOW), "export.json")):
        paper = entry.paper
        assert (back.authors, back.arxiv_id, back.published, back.categories, back.details) == (
            paper.authors, paper.arxiv_id, paper.published, paper.categories, paper.details
        )


def test_json_round_trip_through_a_library_keeps_every_fact(tmp_path):
    first = Library.open(tmp_path / "first")
    first.import_papers([ImportedPaper(e.paper.title, e.paper.abstract, e.paper.links, authors=e.paper.authors,
                                       arxiv_id=e.paper.arxiv_id, published=e.paper.published,
                                       categories=e.paper.categories, details=e.paper.details) for e in CITED], "src")  # fmt: skip
    exported = to_json(first.entries(), now=NOW)
    second = Library.open(tmp_path / "second")
    second.import_text(exported, "export.json")
    assert [e.paper.to_doc() | {"source": ""} for e in second.entries()] == [
        e.paper.to_doc() | {"source": ""} for e in first.entries()
    ]
    again = json.loads(to_json(second.entries(), now=NOW))["papers"]
    assert [doc | {"source": ""} for doc in again] == [doc | {"source": ""} for doc in json.loads(exported)["papers"]]


def test_json_export_without_facts_still_imports():
    old = {"papershelf": 1, "papers": [{"id": "abc", "title": "Old export", "abstract": "", "links": [],
                                        "read": True, "starred": False, "tags": ["x"], "notes": ""}]}  # fmt: skip
    (paper,) = load_text(json.dumps(old), "old.json")
    assert (paper.title, paper.authors, paper.arxiv_id, paper.published, paper.categories) == ("Old export", (), "", "", ())
    assert paper.details == Details() and paper.shelf.read


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        ({"authors": "Ada"}, None),  # one name as a string is read as a list of one
        ({"authors": ["Ada", 3]}, "papers[0].authors: expected a list of strings"),
        ({"arxiv_id": "not an id"}, "papers[0].arxiv_id: expected an arXiv id such as 2403.01234 (or null), got 'not an id'"),
        ({"arxiv_id": 1706.03762}, "papers[0].arxiv_id: expected a string (or null)"),
        ({"published": "March 2024"}, "papers[0].published: expected an ISO date such as 2024-03-11 (or null), got 'March 2024'"),
        ({"published": "2024-02-30"}, "papers[0].published: expected an ISO date"),
        ({"categories": [["cs.LG"]]}, "papers[0].categories: expected a list of strings"),
        ({"details": "doi"}, "papers[0].details: expected an object (or null)"),
        ({"details": {"upvotes": -1}}, "papers[0].details.upvotes: expected a whole number of at least 0 (or null)"),
        ({"details": {"github_stars": True}}, "papers[0].details.github_stars: expected a whole number"),
        ({"details": {"doi": ["10.1/x"]}}, "papers[0].details.doi: expected a string (or null)"),
        ({"details": {"code_url": "javascript:alert(1)"}}, "papers[0].details.code_url: expected an http(s) link"),
        ({"details": {"origin": [["authors"]]}}, "papers[0].details.origin: expected a list of [field, source] pairs"),
    ],
)
def test_json_facts_are_checked_naming_the_paper_and_field(facts, message):
    text = json.dumps({"papershelf": 1, "papers": [{"title": "T", **facts}]})
    if message is None:
        assert load_text(text, "x.json")[0].authors == ("Ada",)
        return
    with pytest.raises(ImportFormatError) as raised:
        load_text(text, "x.json")
    assert message in str(raised.value) and str(raised.value).startswith("x.json")


def test_json_details_with_a_repeated_key_is_refused():
    text = '{"papers": [{"title": "T", "details": {"doi": "10.1/a", "doi": "10.1/b"}}]}'
    with pytest.raises(ImportFormatError, match=r"papers\[0\]\.details: duplicate key 'doi'"):
        load_text(text, "x.json")


def test_json_facts_are_cleaned():
    text = json.dumps({"papers": [{"title": "T", "authors": ["Ada\x1b[31m Lovelace", " ", "Ada  Lovelace"],
                                   "arxiv_id": "arXiv:2403.01234v2", "details": {"journal_ref": "J.\u202e 1"}}]})  # fmt: skip
    (paper,) = load_text(text, "x.json")
    assert paper.authors == ("Ada Lovelace", "Ada Lovelace")  # two authors may share a name
    assert paper.arxiv_id == "2403.01234"
    assert "\u202e" not in paper.details.journal_ref
