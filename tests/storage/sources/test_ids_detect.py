"""arXiv ids in every spelling; formats recognised by content."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from storage.sources.detect import detect
from storage.model.errors import ImportFormatError
from storage.sources.http import retry_delay
from storage.sources.ids import arxiv_id, find_arxiv_id
from storage.sources.parse_ids import is_id_list, parse_id_list
from storage.sources.record import iso_date, source_paper
from tests.helpers import DATA
from tests.storage.sources.conftest import data


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2403.01234", "2403.01234"),
        ("2403.01234v2", "2403.01234"),
        ("0704.0001", "0704.0001"),
        ("arXiv:2403.01234v1", "2403.01234"),
        ("hep-th/9901001", "hep-th/9901001"),
        ("math.GT/0309136v2", "math.GT/0309136"),
        ("https://arxiv.org/abs/2403.01234v2", "2403.01234"),
        ("http://export.arxiv.org/abs/hep-th/9901001v1", "hep-th/9901001"),
        ("https://arxiv.org/pdf/2403.01234v1.pdf", "2403.01234"),
        ("https://huggingface.co/papers/2403.01234", "2403.01234"),
        ("2403.1234567", ""),
        ("https://example.org/abs/2403.01234", ""),
        ("title 2403.01234", ""),
        ("", ""),
    ],
)
def test_arxiv_id(text, expected):
    assert arxiv_id(text) == expected


def test_find_arxiv_id_in_entry_ids():
    assert find_arxiv_id("oai:arXiv.org:2403.01234v1") == "2403.01234"
    assert find_arxiv_id("http://arxiv.org/api/errors#incorrect_id") == ""


def test_id_list_file():
    assert parse_id_list(data("ids.txt")) == ["2403.01234", "2402.05555", "hep-th/9901001", "2402.07777", "2403.00987"]


def test_id_list_names_the_bad_line():
    with pytest.raises(ImportFormatError, match=r"^list.txt:2: not an arXiv id or paper URL: a title$"):
        parse_id_list(b"2403.01234\na title\n", "list.txt")


def test_a_comment_may_follow_an_id():
    text = "# to read\n2403.01234  # the good one\nhttps://arxiv.org/abs/2402.05555v2 # and this\n"
    assert parse_id_list(text) == ["2403.01234", "2402.05555"]
    assert is_id_list(text)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("hf-daily.json", "hf-json"),
        ("hf-paper.json", "hf-json"),
        ("hf-search.json", "hf-json"),
        ("hf-page.html", "hf-html"),
        ("arxiv-entries.xml", "arxiv-atom"),
        ("arxiv-empty.xml", "arxiv-atom"),
        ("arxiv-error.xml", "arxiv-atom"),
        ("arxiv-rss.xml", "feed"),
        ("blog-atom.xml", "feed"),
        ("ids.txt", "arxiv-ids"),
        ("not-json.html", None),
        ("malformed.json", None),
    ],
)
def test_detect(name, kind):
    assert detect(data(name)) == kind


@pytest.mark.parametrize("name", ["trending-sample.txt", "trending-sample.json", "trending-crlf-bom.txt"])
def test_detect_leaves_the_existing_formats_to_their_importers(name):
    assert detect((DATA / name).read_bytes()) is None


def test_retry_after_seconds_or_http_date():
    now = datetime(2024, 3, 5, 12, 0, 0, tzinfo=timezone.utc)
    assert retry_delay("7", now) == 7.0
    assert retry_delay("Tue, 05 Mar 2024 12:00:30 GMT", now) == 30.0
    assert retry_delay("Tue, 05 Mar 2024 11:00:00 GMT", now) == 0.0
    assert retry_delay("soon", now) is None
    assert retry_delay(None, now) is None


def test_dates_become_iso_dates():
    assert iso_date("2024-03-04T18:59:57.000Z") == "2024-03-04"
    assert iso_date("Tue, 05 Mar 2024 00:00:00 -0500") == "2024-03-05"
    assert iso_date("2024-13-45") == iso_date("yesterday") == iso_date(17) == ""


def test_source_paper_refuses_odd_values():
    paper = source_paper("feed", ["not", "text"], authors="Not A List", upvotes=True, github_stars=-3)
    assert (paper.title, paper.authors, paper.upvotes, paper.github_stars) == ("", (), None, None)
    with pytest.raises(ValueError):
        source_paper("elsewhere", "A title")
