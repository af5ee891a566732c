"""The parsers read saved answers offline: every field, cleaning, errors naming the source."""

from __future__ import annotations

import pytest

from storage.sources.errors import SourceError
from storage.sources.parse_arxiv import parse_arxiv_atom
from storage.sources.parse_feed import parse_feed
from storage.sources.parse_hf import parse_hf_html, parse_hf_json
from tests.storage.sources.conftest import data


def test_hf_daily_json_gives_every_field():
    tidal, sparse = parse_hf_json(data("hf-daily.json"))
    assert tidal.title == "Tide-Aware Credit Assignment for Long-Horizon Embodied Agents"
    assert tidal.authors == ("Mira Okafor", "Tomas Lindqvist", "Wen Zhao")
    assert (tidal.arxiv_id, tidal.published, tidal.listed) == ("2403.01234", "2024-03-04", "2024-03-05")
    assert (tidal.upvotes, tidal.github_stars) == (42, 318)
    assert tidal.links == (
        "https://arxiv.org/abs/2403.01234",
        "https://arxiv.org/pdf/2403.01234",
        "https://huggingface.co/papers/2403.01234",
        "https://github.com/example/tidal",
        "https://tidal.example.org",
    )
    assert tidal.source == "hf"
    assert sparse.title == "Sparse Mixtures of Tiny Experts"  # bidi override removed


def test_hf_outside_text_is_cleaned_and_only_web_links_kept():
    sparse = parse_hf_json(data("hf-daily.json"))[1]
    assert sparse.authors == ("Ana Red Ruiz",)  # terminal escape removed
    assert (sparse.github_repo, sparse.project_page, sparse.github_stars) == ("", "", None)
    assert all(link.startswith("https://") for link in sparse.links)


def test_hf_single_paper_and_search_answers():
    (paper,) = parse_hf_json(data("hf-paper.json"))
    assert (paper.arxiv_id, paper.authors[0], paper.listed) == ("2403.01234", "Mira Okafor", "2024-03-05")
    (candidate,) = parse_hf_json(data("hf-search.json"))
    assert candidate.title == "Tide-Aware Credit Assignment for Short-Horizon Agents"


def test_saved_hf_page_holds_the_same_papers_as_the_api():
    assert parse_hf_html(data("hf-page.html")) == parse_hf_json(data("hf-daily.json"))


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("malformed.json", "Hugging Face: malformed JSON"),
        ("not-json.html", "Hugging Face: answered with an HTML page where JSON was expected"),
        ("hf-error.json", "Hugging Face: error: Invalid date format, expected YYYY-MM-DD"),
        ("arxiv-entries.xml", "Hugging Face: malformed JSON"),
    ],
)
def test_hf_json_errors_name_the_source(name, message):
    with pytest.raises(SourceError) as caught:
        parse_hf_json(data(name))
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_html_page_without_the_papers_list_is_an_error():
    with pytest.raises(SourceError, match="not a Hugging Face papers page"):
        parse_hf_html(data("not-json.html"), "saved.html")


def test_hf_json_of_another_shape_is_an_error():
    with pytest.raises(SourceError, match="not a Hugging Face papers answer"):
        parse_hf_json(b'{"papers": [{"title": "x"}]}')


def test_arxiv_atom_gives_every_field():
    tidal, junctions = parse_arxiv_atom(data("arxiv-entries.xml"))
    assert tidal.title == "Tide-Aware Credit Assignment for Long-Horizon Embodied Agents"
    assert tidal.abstract.startswith("Embodied agents that act")
    assert tidal.authors == ("Mira Okafor", "Tomas Lindqvist", "Wen Zhao")
    assert (tidal.arxiv_id, tidal.published, tidal.updated) == ("2403.01234", "2024-03-04", "2024-03-08")
    assert (tidal.categories, tidal.primary_category) == (("cs.LG", "cs.RO"), "cs.LG")
    assert (tidal.doi, tidal.journal_ref) == ("10.1234/tidal.2024.001", "J. Emb. Agents 3, 14 (2024)")
    assert tidal.source == "arxiv-api"
    # An old-style id, and no pdf link in the entry: the canonical one is built.
    assert junctions.arxiv_id == "hep-th/9901001"
    assert junctions.pdf_url == "https://arxiv.org/pdf/hep-th/9901001"


def test_arxiv_zero_results_is_an_empty_list():
    assert parse_arxiv_atom(data("arxiv-empty.xml")) == []


def test_arxiv_error_entry_is_an_error():
    with pytest.raises(SourceError, match="^arXiv API: error: incorrect id format for 2403.9999999$"):
        parse_arxiv_atom(data("arxiv-error.xml"))


@pytest.mark.parametrize("name", ["arxiv-truncated.xml", "hf-daily.json", "not-json.html"])
def test_arxiv_answer_that_is_not_xml_is_an_error(name):
    with pytest.raises(SourceError, match="^arXiv API: (malformed XML|not an Atom or RSS feed)"):
        parse_arxiv_atom(data(name))


def test_arxiv_rss_items():
    tidal, grasping = parse_feed(data("arxiv-rss.xml"), "arXiv RSS")
    assert tidal.arxiv_id == "2403.01234"
    assert tidal.abstract == (
        "Embodied agents that act for thousands of steps struggle to tell which early decisions mattered. "
        "We introduce TIDAL, a credit assignment scheme."
    )
    assert tidal.authors == ("Mira Okafor", "Tomas Lindqvist", "Wen Zhao")
    assert (tidal.categories, tidal.published, tidal.source) == (("cs.LG", "cs.RO"), "2024-03-05", "arxiv-rss")
    assert grasping.authors == ("Priya Natarajan", "Jonas Weber")
    assert grasping.abstract == "Grasping with missing sensors & noisy cameras."


def test_empty_rss_listing_is_an_empty_list():
    assert parse_feed(data("arxiv-rss-weekend.xml")) == []


def test_generic_atom_feed():
    notes, junctions = parse_feed(data("blog-atom.xml"))
    assert (notes.source, notes.arxiv_id, notes.authors) == ("feed", "", ("Okafor, Mira",))
    assert notes.abstract == "Our notes on TIDAL."  # HTML markup dropped
    assert notes.links == ("https://reading.example.org/posts/tidal",)
    assert junctions.arxiv_id == "hep-th/9901001"  # from its arXiv link
