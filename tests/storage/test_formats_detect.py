"""storage.formats: detect.py picks the format by content and hands the text to that format's
module; each format module reads (and writes) its own format, and bibtexparser is loaded only
when BibTeX is read or written (it costs startup time: the copy dialog imports `to_bibtex`)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from storage.formats import bibtex, papershelf_json, trending_page
from storage.formats.detect import load_text
from storage.formats.export import export
from storage.model.records import Entry, Paper, Shelf
from tests.helpers import ROOT

ENTRY = Entry(
    Paper("p1", "ReLIC: In-Context RL", "We study RL.", ("https://example.org/relic",), first_seen="2026-01-02T03:04:05+00:00"),
    Shelf(read=True, tags=("rl",), notes="a note"),
)


def _modules_loaded(code: str) -> set[str]:
    program = f"import sys\n{code}\nprint(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_importing_the_formats_loads_no_bibtexparser():
    loaded = _modules_loaded("import storage.formats.detect, storage.formats.export, storage.formats.bibtex")
    assert "storage.formats.bibtex" in loaded
    assert "bibtexparser" not in loaded


def test_reading_json_loads_no_bibtexparser_and_reading_bibtex_does():
    read_json = "from storage.formats.detect import load_text\nload_text('[{\"title\": \"t\"}]', 'x')"
    read_bib = "from storage.formats.detect import load_text\nload_text('@misc{k, title={t}}', 'x')"
    assert "bibtexparser" not in _modules_loaded(read_json)
    assert "bibtexparser" in _modules_loaded(read_bib)


@pytest.mark.parametrize(
    ("fmt", "reader"),
    [("json", papershelf_json.parse_json), ("bib", bibtex.parse_bibtex)],
)
def test_detect_hands_each_export_to_its_own_reader(fmt, reader):
    text = export([ENTRY], fmt)
    assert load_text(text, "in") == reader(text, "in")


def test_detect_hands_anything_else_to_the_trending_page_reader():
    page = "Jan 2\n\nA Title Of A Paper\n\nAn abstract that says what the paper did. It has two sentences.\n"
    assert load_text(page, "page.txt") == trending_page.parse_page(page, "page.txt")
    assert [p.title for p in load_text(page, "page.txt")] == ["A Title Of A Paper"]
