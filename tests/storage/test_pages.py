"""storage.formats.trending_page: trending-page text -> ImportedPaper records."""

from __future__ import annotations

import re
import string
import textwrap
import unicodedata
from pathlib import Path
from typing import NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storage.model.errors import ImportFormatError
import storage.formats.trending_page as page_parser
from storage.formats.trending_page import extract_links, parse_page
from storage.model.text import _clean_line_fully, clean_line

from tests.helpers import SAMPLE_COUNT, SAMPLE_PAGE, needs_seed, sample_answers, sample_pairs


HEADER = ["new", "Get trending papers in your email inbox!", "Subscribe", "byAK and the research community"]
PER_PAPER_CHROME = [
    "Upvote",
    "42",
    "1.2k",
    "1,234",
    "Upvote 17",
    "Submitted by akhaliq",
    "· 7 authors",
    "7 authors",
    "1 author",
    "Published on Mar 10",
    "Published on Mar 10, 2025",
    "Submitted by akhaliq\n· 5 authors",
    "Submitted by akhaliq · 5 authors",
]


# --- helpers ------------------------------------------------------------------------------


def norm(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split()))


def seed_pairs(text: str) -> list[tuple[str, str]]:
    """A simple reading of the seed, independent of the parser: 4 chrome blocks and the date,
    then blocks that alternate title / abstract."""
    blocks = [block.strip() for block in text.split("\n\n") if block.strip()]
    assert blocks[:4] == HEADER and blocks[4] == "Mar 11"
    body = blocks[5:]
    assert len(body) % 2 == 0
    return [(norm(title), norm(abstract)) for title, abstract in zip(body[::2], body[1::2])]


class Page(NamedTuple):
    text: str
    pairs: list[tuple[str, str]]  # (title, abstract) of each paper, known without the parser


@pytest.fixture(params=["sample", pytest.param("seed", marks=needs_seed)])
def page(request) -> Page:
    """A whole real-looking page: the project's sample page (answers from its key), and the
    seed page too where it exists."""
    if request.param == "sample":
        return Page(SAMPLE_PAGE.read_text(encoding="utf-8"), sample_pairs())
    text = Path(request.getfixturevalue("seed_path")).read_text(encoding="utf-8")
    return Page(text, seed_pairs(text))


def pairs(papers) -> list[tuple[str, str]]:
    return [(paper.title, paper.abstract) for paper in papers]


def render(papers, *, date: str | None = "Mar 11", header: bool = True, between: str = "") -> str:
    """A page with one block per title and abstract (abstract "" = no abstract block).
    `between` (if given) is put as its own block after every title and every abstract."""
    blocks = (HEADER if header else []) + ([date] if date else [])
    for title, abstract in papers:
        blocks += [title, between] + ([abstract, between] if abstract else [])
    return "\n\n".join(block for block in blocks if block) + "\n"


def title_lines(text: str, titles) -> list[int]:
    """1-based line number of each title's first line, found by a plain scan of the text."""
    lines = text.splitlines()
    found, start = [], 0
    for title in titles:
        first_words = title.split()[:3]
        index = next(
            i for i in range(start, len(lines)) if lines[i].split()[:3] == first_words
        )
        found.append(index + 1)
        start = index + 1
    return found


# --- the sample page ----------------------------------------------------------------------


def test_the_sample_gives_its_papers_with_their_dates_and_links():
    text = SAMPLE_PAGE.read_text(encoding="utf-8")
    papers = parse_page(text, str(SAMPLE_PAGE))
    expected = sample_answers()
    assert len(expected) == SAMPLE_COUNT
    assert [{"title": p.title, "abstract": p.abstract, "listed": p.listed, "links": list(p.links)} for p in papers] == expected
    assert [p.listed for p in papers] == ["Mar 11"] * 32 + ["Mar 10"] * 10 + ["Mar 9"] * 6
    assert [paper.line for paper in papers] == title_lines(text, [t for t, _ in sample_pairs()])


def test_the_sample_holds_the_traps_of_a_real_page():
    """The answer key is only worth something if the page holds what the parser must cope with."""
    text = SAMPLE_PAGE.read_text(encoding="utf-8")
    blocks = text.split("\n\n")
    assert blocks[:5] == [*HEADER, "Mar 11"]
    lines = text.splitlines()
    for chrome in ("Upvote", "42", "1.2k", "· 6 authors", "Published on Mar 10"):
        assert chrome in lines  # as blocks of their own
    assert "Submitted by ariadne_k" in lines and "Submitted by mlreader · 4 authors" in lines  # inside blocks
    assert sum(not abstract for _, abstract in sample_pairs()) == 2
    assert any(len(block.splitlines()) > 3 for block in blocks)  # a hard-wrapped abstract


def test_sample_links_come_from_the_abstract_without_trailing_punctuation():
    papers = {paper.title: paper for paper in parse_page(SAMPLE_PAGE.read_text(encoding="utf-8"))}
    title = "Tuning Is Half the Battle: Hyperparameter Sensitivity in Offline RL"
    assert papers[title].abstract.endswith("https://github.com/orchard-lab/sweep-tune.")
    assert papers[title].links == ("https://github.com/orchard-lab/sweep-tune",)
    title = "Lighthouse: Distributed Actor-Learner Training on Commodity Clusters"
    assert papers[title].abstract.endswith("(code: https://github.com/lighthouse-rl/lighthouse).")
    assert papers[title].links == ("https://github.com/lighthouse-rl/lighthouse",)
    title = "HarborGym: A Suite of Port Logistics Environments for Offline Reinforcement Learning"
    assert papers[title].links == ("https://sites.google.com/view/harborgym/",)
    title = "Chain-of-Tools: Compositional Program Synthesis with Verifier Feedback"
    assert papers[title].links == ("https://github.com/chain-of-tools/bench", "https://chain-of-tools.github.io/")
    with_links = [paper for paper in papers.values() if paper.links]
    assert len(with_links) == len([p for p in papers.values() if "http" in p.abstract]) == 7
    for paper in with_links:
        for link in paper.links:
            assert link in paper.abstract
            assert link[-1] not in ".,;:!?'\")"


# --- the seed page (the real page of 78 papers beside the checkout, where it exists) ------------


def test_seed_gives_its_78_papers_in_page_order(seed_path):
    text = seed_path.read_text(encoding="utf-8")
    papers = parse_page(text, str(seed_path))
    expected = seed_pairs(text)
    assert len(expected) == 78
    assert pairs(papers) == expected
    assert {paper.listed for paper in papers} == {"Mar 11"}
    assert [paper.line for paper in papers] == title_lines(text, [t for t, _ in expected])


def test_seed_links_come_from_the_abstract_without_trailing_punctuation(seed_path):
    papers = {paper.title: paper for paper in parse_page(seed_path.read_text(encoding="utf-8"))}
    assert papers["Hyperparameters in Reinforcement Learning and How To Tune Them"].links == (
        "https://github.com/facebookresearch/how-to-autorl",
    )
    assert papers["Meta Prompting for AGI Systems"].links == (
        "https://github.com/meta-prompting/meta-prompting",
    )
    with_links = [paper for paper in papers.values() if paper.links]
    assert len(with_links) == len([p for p in papers.values() if "http" in p.abstract])
    for paper in with_links:
        for link in paper.links:
            assert link in paper.abstract
            assert link[-1] not in ".,;:!?'\")"


# --- variants of real pages -----------------------------------------------------------------


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(lambda text: text.replace("\n", "\r\n"), id="crlf"),
        pytest.param(lambda text: "\ufeff" + text, id="bom"),
        pytest.param(lambda text: "\ufeff" + text.replace("\n", "\r\n"), id="bom-crlf"),
        pytest.param(lambda text: text.replace("\n", "  \t\n"), id="trailing-spaces"),
        pytest.param(lambda text: text.rstrip("\n"), id="no-final-newline"),
    ],
)
def test_page_variants_give_the_same_papers_and_lines(page, variant):
    plain = parse_page(page.text)
    varied = parse_page(variant(page.text))
    assert pairs(varied) == page.pairs
    assert [p.line for p in varied] == [p.line for p in plain]
    assert not varied[0].title.startswith("\ufeff")


def test_several_blank_and_whitespace_lines_between_blocks(page):
    text = page.text.replace("\n\n", "\n \n\t\n\n")
    papers = parse_page(text)
    assert pairs(papers) == page.pairs
    assert [p.line for p in papers] == title_lines(text, [t for t, _ in page.pairs])


@pytest.mark.parametrize("width", [40, 72, 100])
def test_hard_wrapped_abstracts_are_joined_with_single_spaces(page, width):
    wrap = lambda text: textwrap.fill(text, width, break_long_words=False, break_on_hyphens=False)  # noqa: E731
    text = render([(title, wrap(abstract)) for title, abstract in page.pairs])
    assert text.count("\n") > 4 * len(page.pairs) + 20  # really wrapped
    papers = parse_page(text)
    assert pairs(papers) == page.pairs
    assert [p.line for p in papers] == title_lines(text, [t for t, _ in page.pairs])


def test_hard_wrapped_title_is_joined():
    abstract = "We study wrapping. It works on every page we tried, short or long."
    text = render([("A Rather Long Title That The Page\nWrapped Onto Two Lines", abstract)])
    assert pairs(parse_page(text)) == [
        ("A Rather Long Title That The Page Wrapped Onto Two Lines", abstract)
    ]


def test_several_date_sections_each_paper_keeps_its_own_date(page):
    dates = ["Mar 11", "March 10", "Mar 9, 2025"]
    chunks = [page.pairs[:30], page.pairs[30:31], page.pairs[31:]]
    text = "\n\n".join(
        render(chunk, date=date, header=index == 0) for index, (date, chunk) in enumerate(zip(dates, chunks))
    )
    papers = parse_page(text)
    assert pairs(papers) == page.pairs
    assert [p.listed for p in papers] == ["Mar 11"] * 30 + ["March 10"] + ["Mar 9, 2025"] * (len(page.pairs) - 31)


def test_page_without_a_date_line_lists_nothing():
    text = render([("Plain Title", "An abstract. It has two sentences.")], date=None)
    assert [(p.title, p.listed) for p in parse_page(text)] == [("Plain Title", "")]


def test_published_on_date_is_chrome_not_a_new_section():
    text = render(
        [("First Paper Here", "One abstract. Two sentences."), ("Second Paper", "Its abstract.")],
        between="Published on Mar 10",
    )
    assert [(p.title, p.listed) for p in parse_page(text)] == [
        ("First Paper Here", "Mar 11"),
        ("Second Paper", "Mar 11"),
    ]


# --- papers without an abstract -----------------------------------------------------------


def test_any_single_paper_may_lack_its_abstract(page):
    for missing in range(len(page.pairs)):
        expected = [(t, "" if i == missing else a) for i, (t, a) in enumerate(page.pairs)]
        assert pairs(parse_page(render(expected))) == expected, f"paper {missing} without abstract"


def test_several_papers_without_abstract_in_the_middle_and_at_the_end(page):
    last = len(page.pairs) - 1
    missing = {0, 10, 11, 12, 40, last - 1, last}
    expected = [(t, "" if i in missing else a) for i, (t, a) in enumerate(page.pairs)]
    papers = parse_page(render(expected))
    assert pairs(papers) == expected
    assert all(p.links == () for i, p in enumerate(papers) if i in missing)


def test_titles_only_page(page):
    expected = [(title, "") for title, _ in page.pairs]
    assert pairs(parse_page(render(expected))) == expected


def test_paper_without_abstract_at_the_end_of_a_date_section():
    first = render([("Lonely Title Without Abstract", "")])
    second = render([("Next Day Title", "Its abstract. With two sentences.")], date="Mar 10", header=False)
    papers = parse_page(first + "\n" + second)
    assert [(p.title, p.abstract, p.listed) for p in papers] == [
        ("Lonely Title Without Abstract", "", "Mar 11"),
        ("Next Day Title", "Its abstract. With two sentences.", "Mar 10"),
    ]


def test_title_ending_in_full_stop_after_a_paper_without_abstract(page):
    (t1, _), (_, a2) = page.pairs[:2]
    odd_title = "Attention Is Not All You Need."
    expected = [(t1, ""), (odd_title, a2)]
    assert pairs(parse_page(render(expected))) == expected


def test_short_abstracts_are_still_abstracts():
    expected = [
        ("A Tiny Paper", "We present it."),
        ("Another One", "Results inside. Code at https://github.com/x/y"),
        ("Questions Only?", "Yes."),
    ]
    assert pairs(parse_page(render(expected))) == expected


# --- chrome -------------------------------------------------------------------------------


@pytest.mark.parametrize("chrome", PER_PAPER_CHROME)
def test_per_paper_chrome_blocks_are_skipped(page, chrome):
    assert pairs(parse_page(render(page.pairs, between=chrome))) == page.pairs


@pytest.mark.parametrize("chrome", PER_PAPER_CHROME)
def test_chrome_lines_inside_a_block_are_skipped(chrome):
    abstract = "An abstract, hard wrapped\nover lines. It has two sentences."
    text = render([(f"{chrome}\nSome Title\n{chrome}", f"{chrome}\n{abstract}\n{chrome}")])
    [paper] = parse_page(text)
    assert (paper.title, paper.abstract) == ("Some Title", " ".join(abstract.split()))
    assert paper.line == text.splitlines().index("Some Title") + 1


def test_chrome_words_inside_a_title_are_kept():
    titles = ["New Methods for Upvote Prediction", "42 Authors Submitted by Mistake", "Subscribe to RL"]
    expected = [(title, "An abstract. Two sentences.") for title in titles]
    assert pairs(parse_page(render(expected))) == expected


# --- sanitising ---------------------------------------------------------------------------


def test_escape_sequences_and_control_chars_are_removed():
    title = "Clear\x1b[2J Screen\x1b]52;c;ZXZpbA==\x07 Steal\x9b31m Colour\x00\x7f Title"
    abstract = "Bell\x07 here.\x1b[31m Red text.\x1b]8;;https://evil.example\x1b\\ link."
    [paper] = parse_page(render([(title, abstract)]))
    assert paper.title == "Clear Screen Steal Colour Title"
    assert paper.abstract == "Bell here. Red text. link."
    for field in (paper.title, paper.abstract, *paper.links):
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", field)


@pytest.mark.parametrize("title", ["Parsing a[/]b Tokens", "[bold]x Marks the Spot", "[link=https://x.org]Click"])
def test_markup_like_titles_are_kept_literally(title):
    [paper] = parse_page(render([(title, "We check markup. Nothing is interpreted.")]))
    assert paper.title == title


@given(st.text(st.sampled_from(" \t\x1b[]0;2J\x07\x9b\x00\u00a0\u202eaZ.é\r\n\ufeff")))
def test_fast_line_cleaning_matches_the_full_cleaning(line):
    assert clean_line(line) == _clean_line_fully(line)


@given(st.text())
def test_fast_line_cleaning_matches_the_full_cleaning_on_any_text(line):
    assert clean_line(line) == _clean_line_fully(line)
    assert not any(ch in clean_line(line) for ch in "\x1b\x9b\x00\r\n\u202e")


# --- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("\ufeff\r\n  \n", id="bom-and-blank"),
        pytest.param(render([]), id="header-only"),
        pytest.param("\n\n".join([*HEADER, "Mar 11", *PER_PAPER_CHROME]), id="only-chrome"),
        pytest.param("\x1b[2J\x07\n\n", id="only-escapes"),
    ],
)
def test_no_papers_is_an_error_naming_the_source(text):
    with pytest.raises(ImportFormatError) as caught:
        parse_page(text, "downloads/page.txt")
    assert caught.value.source == "downloads/page.txt"
    assert str(caught.value).startswith("downloads/page.txt: ")
    assert "expected a trending page" in str(caught.value)


# --- links --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("abstract", "links"),
    [
        ("at https://github.com/facebookresearch/how-to-autorl.", ["https://github.com/facebookresearch/how-to-autorl"]),
        ("(https://github.com/meta-prompting/meta-prompting).", ["https://github.com/meta-prompting/meta-prompting"]),
        ("see https://en.wikipedia.org/wiki/Bandit_(mathematics).", ["https://en.wikipedia.org/wiki/Bandit_(mathematics)"]),
        ("(see https://en.wikipedia.org/wiki/Bandit_(mathematics))", ["https://en.wikipedia.org/wiki/Bandit_(mathematics)"]),
        ("[https://a.org/b], {https://c.org/d}; <https://e.org/f>", ["https://a.org/b", "https://c.org/d", "https://e.org/f"]),
        ('"https://q.org/z", \'https://q.org/y\'!?', ["https://q.org/z", "https://q.org/y"]),
        ("https://a.org/x, then https://a.org/x; and http://b.org/y!", ["https://a.org/x", "http://b.org/y"]),
        ("query http://old.example.com/p?x=1&y=(2).", ["http://old.example.com/p?x=1&y=(2)"]),
        ("trailing slash https://sites.google.com/view/d5rl/", ["https://sites.google.com/view/d5rl/"]),
        ("repo https://github.com/a/b.git.", ["https://github.com/a/b.git"]),
        ("Upper HTTPS://Example.org/A.", ["HTTPS://Example.org/A"]),
        ("nothing here, ftp://x.org or www.x.org or https://.", []),
    ],
)
def test_extract_links(abstract, links):
    assert extract_links(abstract) == tuple(links)


# --- property: rendered pages parse back --------------------------------------------------

# The generator keeps to realistic papers, where the title/abstract question has an answer:
# titles are 2-14 words (< 200 characters), never end with a full stop, and hold none of the
# words that alone on a line are chrome ("new", "Upvote", ...); abstracts are one or more
# sentences ending in "." (optionally followed by a code URL). A one-line abstract without a
# full stop ("Code release") or a title ending in "." right after a paper without abstract is
# genuinely ambiguous and left out.
CHROME_WORDS = {"new", "subscribe", "upvote", "upvoted", "submitted", "published"}
words = st.text(string.ascii_lowercase, min_size=2, max_size=11).filter(lambda w: w not in CHROME_WORDS)
capitalised = words.map(str.capitalize)
title_words = st.one_of(words, capitalised, st.sampled_from(["vs.", "(RL)", "a[/]b", "[bold]x", "GPT-4", "3D"]))


@st.composite
def titles(draw):
    middle = draw(st.lists(title_words, max_size=12))
    parts = [draw(capitalised), *middle, draw(st.one_of(words, capitalised))]
    if draw(st.booleans()):
        parts[0] += ":"
    return " ".join(parts) + draw(st.sampled_from(["", "", "?"]))


@st.composite
def sentences(draw):
    body = [draw(capitalised), *draw(st.lists(words, min_size=2, max_size=20))]
    return " ".join(body) + "."


@st.composite
def abstracts(draw):
    text = " ".join(draw(st.lists(sentences(), min_size=1, max_size=8)))
    url = draw(st.sampled_from(["", "https://github.com/org/repo", "https://x.org/p_(a)"]))
    if url:
        text += f" Code at {url}" + draw(st.sampled_from(["", ".", ")."]))
    return text


@st.composite
def pages(draw):
    papers = draw(st.lists(st.tuples(titles(), st.one_of(abstracts(), st.just(""))), min_size=1, max_size=8))
    chrome = st.sampled_from(PER_PAPER_CHROME)
    width = draw(st.one_of(st.none(), st.integers(30, 100)))
    blocks = [*HEADER, "Mar 11"]
    for title, abstract in papers:
        if width and abstract:
            abstract = textwrap.fill(abstract, width, break_long_words=False, break_on_hyphens=False)
        for block in (title, abstract):
            if block:
                inside = draw(st.sampled_from(["", "before", "after"]))
                line = draw(chrome)
                block = f"{line}\n{block}" if inside == "before" else f"{block}\n{line}" if inside else block
                blocks += [block] + draw(st.lists(chrome, max_size=2))
    text = "\n\n".join(blocks)
    text = text.replace("\n", draw(st.sampled_from(["\n", "\r\n", " \n", "\t\r\n"])))
    return draw(st.sampled_from(["", "\ufeff"])) + text, papers


@settings(max_examples=200, deadline=None)
@given(pages())
def test_rendered_pages_parse_back_to_their_papers(page):
    text, papers = page
    parsed = parse_page(text)
    assert pairs(parsed) == [(title, " ".join(abstract.split())) for title, abstract in papers]
    assert all(paper.listed == "Mar 11" for paper in parsed)


# --- fast paths against the straightforward versions -------------------------------------------

_SPOTTY_TEXT = st.text(alphabet=st.sampled_from(list("abzAZ.! _1é\tvsaletcfigqxhtps:/<>\"()")), max_size=60)


@settings(max_examples=600, deadline=None)
@given(_SPOTTY_TEXT)
def test_sentence_break_test_equals_the_regex(text):
    assert page_parser.has_sentence_break(text) == bool(page_parser._SENTENCE_BREAK.search(text))


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("hHtTpPsS:/ab.<\" x")), max_size=60))
def test_url_spotting_equals_the_regex(text):
    assert list(page_parser._urls(text)) == [m.group() for m in page_parser._URL.finditer(text)]
