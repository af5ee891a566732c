"""Facts from the sources in the TUI: the detail pane (authors, arXiv id, date, categories,
upvotes, stars) and the `o` chooser (labelled links; title searches for a paper without any)."""

from __future__ import annotations

import pytest

from storage.model.imported import ImportedPaper
from storage.model.records import Details
from tests.tui.pilot import SIZE
from tui.app import PapershelfApp
from tui.paper_links import title_searches, web_links
from tui.screens.links import LinkChooser
from tui.widgets.detail import DetailView, short_authors

NAMES = ("Ada Lovelace", "Jürgen Schmidhuber", "[bold]Zoë[/bold] Kravitz", "Grace Hopper", "Alan Turing", "Kurt Gödel")
ABS, PDF = "https://arxiv.org/abs/2403.01234", "https://arxiv.org/pdf/2403.01234"
HF, CODE, PROJECT = "https://huggingface.co/papers/2403.01234", "https://github.com/ada/engine", "https://ada.example.org/"

KNOWN = ImportedPaper(
    title="Analytical Engines Are All You Need",
    abstract="We compute.",
    # as a page or feed may list them: not in the order `o` offers them, one not a web link
    links=(PROJECT, "ftp://old.example.org/paper.ps", CODE, HF, PDF, ABS),
    authors=NAMES,
    arxiv_id="2403.01234",
    published="2024-03-02",
    categories=("cs.LG", "stat.ML"),
    details=Details(upvotes=1234, github_stars=56, code_url=CODE, project_url=PROJECT, hf_url=HF),
)
BARE = ImportedPaper(title="A Title From A Trending Page & Friends", abstract="Nothing else is known.")


@pytest.fixture
def facts_library(empty_library):
    empty_library.import_papers([KNOWN, BARE], "test")
    return empty_library


def detail_of(shelf) -> str:
    view = shelf.app.screen.query_one(DetailView)
    return str(view.describe(shelf.main.papers.highlighted))


async def test_the_detail_pane_shows_the_facts_literally(tui, facts_library):
    async with tui(facts_library) as shelf:
        text = detail_of(shelf)
    lines = text.splitlines()
    assert lines[0] == KNOWN.title
    assert lines[1] == "Ada Lovelace, Jürgen Schmidhuber, [bold]Zoë[/bold] Kravitz et al. (6 authors)"
    assert "arXiv   2403.01234 · cs.LG, stat.ML" in lines
    assert "Popular 1,234 upvotes · 56 GitHub stars" in lines
    assert any(line.startswith("Dates   published 2024-03-02 · ") for line in lines)
    links = [line.split()[-1] for line in lines if line.startswith(("Links   ", "        ")) and "://" in line]
    assert links == [ABS, PDF, HF, CODE, PROJECT, "ftp://old.example.org/paper.ps"]  # numbered as `o` offers them


async def test_a_paper_without_facts_shows_no_empty_label(tui, facts_library):
    async with tui(facts_library) as shelf:
        await shelf.press("j")
        await shelf.pause()
        text = detail_of(shelf)
    assert text.splitlines()[:2] == [BARE.title, ""]  # no authors line
    for label in ("arXiv", "Popular", "published", "Links", "et al."):
        assert label not in text
    assert "Dates   listed" not in text and "Dates   first seen" in text  # what a page import knows


@pytest.mark.parametrize(
    ("authors", "shown"),
    [
        (("A",), "A"),
        (("A", "B", "C", "D"), "A, B, C, D"),
        (("A", "B", "C", "D", "E"), "A, B, C et al. (5 authors)"),
    ],
)
def test_short_authors(authors: tuple[str, ...], shown: str) -> None:
    assert short_authors(authors) == shown


def test_popularity_of_only_one_count():
    from storage.model.records import Paper
    from tui.widgets.detail import popularity

    assert popularity(Paper("x", "t", details=Details(github_stars=1))) == "1 GitHub star"
    assert popularity(Paper("x", "t", details=Details(upvotes=0))) == "0 upvotes"
    assert popularity(Paper("x", "t")) == ""


@pytest.mark.parametrize("size", [SIZE, (80, 24), (20, 8), (60, 20)])
async def test_the_facts_fit_small_terminals(tui, facts_library, size):
    async with tui(facts_library, size=size) as shelf:
        await shelf.press("o")
        await shelf.pause()
        assert isinstance(shelf.app.screen, LinkChooser)
        await shelf.press("escape")
        await shelf.resize_terminal(*SIZE)
        await shelf.pause()
        assert "2403.01234" in detail_of(shelf)


async def test_o_offers_every_web_link_labelled(tui, facts_library, monkeypatch):
    opened: list[str] = []
    monkeypatch.setattr(PapershelfApp, "open_url", lambda self, url, new_tab=True: opened.append(url))
    async with tui(facts_library) as shelf:
        await shelf.press("o")
        await shelf.pause()
        chooser = shelf.app.screen
        assert isinstance(chooser, LinkChooser)
        rows = [str(option.prompt).split() for option in chooser.query_one("OptionList").options]
        assert [(row[0], row[-1]) for row in rows] == [("1", ABS), ("2", PDF), ("3", HF), ("4", CODE), ("5", PROJECT)]
        assert [" ".join(row[1:-1]) for row in rows] == ["arXiv abstract", "PDF", "Hugging Face page", "Code", "Project page"]
        for key in ("2", "4"):
            await shelf.press("o", key)
            await shelf.pause()
    assert opened == [PDF, CODE]


async def test_o_on_a_paper_without_links_searches_its_title(tui, facts_library, monkeypatch):
    opened: list[str] = []
    monkeypatch.setattr(PapershelfApp, "open_url", lambda self, url, new_tab=True: opened.append(url))
    monkeypatch.setenv("PAPERSHELF_HF_URL", "http://127.0.0.1:9/hf/")
    async with tui(facts_library) as shelf:
        await shelf.press("j", "o")
        await shelf.pause()
        assert isinstance(shelf.app.screen, LinkChooser)
        labels = [str(option.prompt) for option in shelf.app.screen.query_one("OptionList").options]
        assert "Search arXiv for this title" in labels[0] and "Search Hugging Face for this title" in labels[1]
        await shelf.press("1")
        await shelf.pause()
        await shelf.press("o", "down", "enter")
        await shelf.pause()
    query = "A+Title+From+A+Trending+Page+%26+Friends"
    assert opened == [f"https://arxiv.org/search/?query={query}&searchtype=title", f"http://127.0.0.1:9/hf/papers?q={query}"]


def test_only_web_links_are_offered_and_details_links_count_once():
    from storage.model.records import Paper

    paper = Paper("x", "t", links=("javascript:alert(1)", "file:///etc/passwd", " https://example.org/a ", CODE),
                  details=Details(code_url=CODE, project_url="mailto:me@example.org"))  # fmt: skip
    assert web_links(paper) == [("Code", CODE), ("example.org", "https://example.org/a")]
    only_bad = Paper("y", "Only Bad Links", links=("javascript:alert(1)",))
    assert web_links(only_bad) == []


def test_title_searches_encode_the_title(monkeypatch):
    monkeypatch.delenv("PAPERSHELF_HF_URL")  # the default site: only a URL is built here
    arxiv, hf = title_searches("Q&A:  100% #1 / ünïcode?")
    assert arxiv.url == "https://arxiv.org/search/?query=Q%26A%3A+100%25+%231+%2F+%C3%BCn%C3%AFcode%3F&searchtype=title"
    assert hf.url == "https://huggingface.co/papers?q=Q%26A%3A+100%25+%231+%2F+%C3%BCn%C3%AFcode%3F"


@pytest.mark.parametrize(
    ("value", "width", "lines"),
    [
        ("fits", 10, ["fits"]),
        ("a b c d", 0, ["a b c d"]),  # before layout: no wrapping of our own
        ("2403.01234 · cs.LG, cs.AI", 12, ["2403.01234 ·", "cs.LG, cs.AI"]),
        ("2403.01234 · cs.LG, cs.AI", 11, ["2403.01234", "· cs.LG,", "cs.AI"]),
        ("https://huggingface.co/papers/1", 16, ["https://huggingf", "ace.co/papers/1"]),
        ("日本語 日本語 日本語", 8, ["日本語 日本語 日本語"]),  # wide characters: rich wraps them
    ],
)
def test_hanging_lines(value: str, width: int, lines: list[str]) -> None:
    from tui.widgets.detail import hanging_lines

    assert hanging_lines(value, width) == lines


async def test_long_rows_wrap_under_their_value_at_the_panes_width(tui, facts_library):
    async with tui(facts_library, size=(80, 24)) as shelf:  # the detail pane under the list: 78 columns
        view = shelf.app.screen.query_one(DetailView)
        wide = detail_of(shelf).splitlines()
        await shelf.resize_terminal(100, 30)  # beside the list: about 40 columns
        await shelf.pause()
        narrow = detail_of(shelf).splitlines()
        width = view.content_region.width - view.styles.scrollbar_size_vertical
    assert 30 < width < 50
    assert any(line.startswith("Dates   published 2024-03-02 · first seen ") for line in wide)
    dates = next(n for n, line in enumerate(narrow) if line.startswith("Dates   "))
    continued = narrow[dates + 1]
    assert continued.startswith(" " * 8) and continued[8] != " " and "2026-" in continued  # under the value
    labelled = narrow[narrow.index("● unread") + 1 : narrow.index("We compute.") - 1]
    assert labelled and all(len(line) <= width for line in labelled), labelled


async def test_s_sorts_by_publication_date_newest_first_undated_last(tui, empty_library):
    dated = [ImportedPaper(title=f"Paper from {year}", published=f"{year}-01-01") for year in (2019, 2024, 2021)]
    empty_library.import_papers([BARE, *dated, ImportedPaper(title="Another Undated Paper")], "test")
    async with tui(empty_library) as shelf:
        for _ in range(3):  # best match -> page order -> newest first seen -> publication date
            await shelf.press("S")
            await shelf.settle()
        assert "sorted: newest published" in shelf.counts
        titles = [entry.paper.title for entry in shelf.main.papers.entries]
    assert titles == ["Paper from 2024", "Paper from 2021", "Paper from 2019", BARE.title, "Another Undated Paper"]
