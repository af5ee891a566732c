"""Hard-wrapped trending pages: a line break after a hyphen joins the word (issue 14, item 4).

Mail clients, `fold` and `textwrap` break lines after hyphens ("multi-" / "agent"); the
importer must give back the text as it was before wrapping (whitespace normalised).
"""

from __future__ import annotations

import re
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storage.formats.detect import load_bytes
from storage.formats.trending_page import parse_page

ABSTRACTS = [
    "We present a state-of-the-art multi-agent framework for long-horizon planning. "
    "Our fine-tuned vision-language model outperforms the strongest open-source baselines "
    "on out-of-distribution tasks - and it does so with a tenth of the compute. "
    "Code: https://github.com/example-org/multi-agent-planner.",
    "Large-scale pre-training helps both in- and cross-domain transfer, but the "
    "trade-offs of mixture-of-experts models remain poorly understood -- we measure them "
    "on a well-known benchmark suite. Project page: https://example-lab.github.io/moe-trade-offs/.",
    "Retrieval-augmented generation reduces hallucination in question-answering systems. "
    "We propose a self-supervised, domain-agnostic re-ranking step that improves "
    "retrieval-augmented pipelines by a wide margin across low-resource and high-resource "
    "languages alike, with results from 2019–2024 and a first-of-its-kind human study.",
    "Chain-of-thought prompting elicits step-by-step reasoning in decoder-only transformers. "
    "We show that two- to four-fold gains come from well-chosen few-shot exemplars—not "
    "from model size—and release an easy-to-use toolkit at https://github.com/org/my-repo.",
]
TITLES = [
    "Multi-Agent Planning with State-of-the-Art Vision-Language Models",
    "Mixture-of-Experts Trade-offs in Large-Scale Pre-Training: In- and Cross-Domain Transfer",
    "Self-Supervised Re-Ranking for Retrieval-Augmented Question-Answering",
    "Chain-of-Thought Prompting in Decoder-Only Transformers",
]
WIDTHS = [20, 33, 50, 72]
# A line that ends in a hyphen glued to a letter: textwrap broke a word there.
HYPHEN_AT_LINE_END = re.compile(r"[a-z]-\n", re.IGNORECASE)


def norm(text: str) -> str:
    return " ".join(text.split())


def wrap(text: str, width: int) -> str:
    return textwrap.fill(text, width, break_on_hyphens=True, break_long_words=False)


def page(papers: list[tuple[str, str]]) -> str:
    blocks = ["new", "Subscribe", "Mar 11"]
    for title, abstract in papers:
        blocks += [title, abstract]
    return "\n\n".join(blocks) + "\n"


def pairs(papers) -> list[tuple[str, str]]:
    return [(paper.title, paper.abstract) for paper in papers]


# --- textwrap at several widths -----------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
def test_abstracts_wrapped_after_hyphens_come_back_whole(width):
    wrapped = [wrap(abstract, width) for abstract in ABSTRACTS]
    assert sum(len(HYPHEN_AT_LINE_END.findall(text)) for text in wrapped) >= 4  # the case occurs
    papers = parse_page(page(list(zip(TITLES, wrapped))))
    assert pairs(papers) == [(title, norm(abstract)) for title, abstract in zip(TITLES, ABSTRACTS)]


@pytest.mark.parametrize("width", [15, 20, 33, 40, 50])  # titles are shorter than 72
def test_titles_wrapped_after_hyphens_come_back_whole(width):
    wrapped = [wrap(title, width) for title in TITLES]
    assert sum(len(HYPHEN_AT_LINE_END.findall(text)) for text in wrapped) >= 2
    papers = parse_page(page([(title, wrap(abstract, width)) for title, abstract in zip(wrapped, ABSTRACTS)]))
    assert [paper.title for paper in papers] == TITLES


@pytest.mark.parametrize("width", WIDTHS)
def test_links_wrapped_after_a_hyphen_are_extracted_whole(width):
    papers = parse_page(page([(TITLES[0], wrap(ABSTRACTS[0], width)), (TITLES[3], wrap(ABSTRACTS[3], width))]))
    assert [paper.links for paper in papers] == [
        ("https://github.com/example-org/multi-agent-planner",),
        ("https://github.com/org/my-repo",),
    ]


def test_a_url_broken_after_its_hyphen_by_hand():
    abstract = "We release everything. Code is at https://github.com/org/my-\nrepo for all to use."
    (paper,) = parse_page(page([("A Title", abstract)]))
    assert paper.abstract == "We release everything. Code is at https://github.com/org/my-repo for all to use."
    assert paper.links == ("https://github.com/org/my-repo",)


# --- line ends by hand: dashes, trailing spaces, CRLF --------------------------------------

LONG_ENOUGH = " We checked it on many pages. It held on every one of them, short or long."


@pytest.mark.parametrize(
    ("lines", "joined"),
    [
        (["multi-", "agent"], "multi-agent"),
        (["state-of-the-", "art"], "state-of-the-art"),
        (["multi-   ", "agent"], "multi-agent"),  # trailing spaces
        (["multi-\t", "agent"], "multi-agent"),
        (["multi-\u00a0", "agent"], "multi-agent"),  # a no-break space is a trailing space too
        (["GPT-", "4o"], "GPT-4o"),
        (["results -", "and more"], "results - and more"),  # a dash: the space stays
        (["results -   ", "and more"], "results - and more"),
        (["results", "-", "and more"], "results - and more"),  # a line that is only "-"
        (["results", "- and more"], "results - and more"),
        (["a gain of", "-5 dB"], "a gain of -5 dB"),  # a line starting with "-" keeps its space
        (["results --", "and more"], "results -- and more"),
        (["results", "--", "and more"], "results -- and more"),
        (["results--", "and more"], "results--and more"),
        (["in 2019\u2013", "2024"], "in 2019\u20132024"),  # en dash glued to the word before
        (["results\u2014", "not size"], "results\u2014not size"),  # em dash glued
        (["results \u2014", "not size"], "results \u2014 not size"),  # em dash after a space
        (["results", "\u2014", "not size"], "results \u2014 not size"),
        (["both in-", "and cross-domain"], "both in- and cross-domain"),  # suspended hyphens
        (["pre-", "or post-training"], "pre- or post-training"),
        (["two-", "to four-fold"], "two- to four-fold"),
        (["rock-", "and-roll"], "rock-and-roll"),
        (["end-", "to-end"], "end-to-end"),
        (["a-", "b-", "c"], "a-b-c"),
    ],
)
def test_line_ends(lines, joined):
    for newline in ("\n", "\r\n", "\r"):
        abstract = "It starts here. " + newline.join(lines) + LONG_ENOUGH
        (paper,) = parse_page(page([("A Title", abstract)]))
        assert paper.abstract == "It starts here. " + joined + LONG_ENOUGH, repr(newline)


def test_a_crlf_file_with_trailing_spaces_through_the_importer():
    wrapped = [wrap(abstract, 33) for abstract in ABSTRACTS]
    text = page(list(zip(TITLES, wrapped))).replace("-\n", "-   \n").replace("\n", "\r\n")
    assert "-   \r\n" in text
    papers = load_bytes(("\ufeff" + text).encode("utf-8"), "page.txt")
    assert pairs(papers) == [(title, norm(abstract)) for title, abstract in zip(TITLES, ABSTRACTS)]


# --- property: any text made of words, compounds and spaced dashes -------------------------

# No month names (a wrapped line "May 4" would be a date line) and no chrome words; "and",
# "or" and "to" only as words of their own (a compound "rock-and" / "roll" cannot be told from
# a suspended hyphen "in-" / "and cross-domain").
WORDS = ["model", "agent", "state", "art", "vision", "language", "of", "the", "large", "scale", "data", "GPT", "4o"]
word = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map("-".join)
separator = st.sampled_from([" ", " ", " ", " ", " - ", " -- ", " \u2014 ", "\u2014", ", ", " and "])
suspended = st.sampled_from(["pre- and post-training", "in- or cross-domain", "two- to four-fold"])


@st.composite
def texts(draw, min_words: int) -> str:
    pieces = [draw(word)]
    for _ in range(draw(st.integers(min_words, 60))):
        pieces += [draw(separator), draw(st.one_of(word, suspended))]
    return "".join(pieces)


@settings(max_examples=200, deadline=None)
@given(title=texts(min_words=0), body=texts(min_words=15), width=st.integers(12, 80))
def test_any_text_wrapped_at_any_width_comes_back(title, body, width):
    abstract = "We " + body + "."
    text = page([(wrap(title, width), wrap(abstract, width))])
    assert pairs(parse_page(text)) == [(title, abstract)]
