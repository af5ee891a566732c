"""Merging imported papers (storage.changes.merge): one record per id, new papers numbered after
the last, the text of known papers refreshed, first-seen dates and annotations never lost."""

from __future__ import annotations

from storage.changes import merge
from storage.model.ids import paper_id
from storage.model.imported import ImportedPaper
from dataclasses import replace

from storage.model.records import Details, Entry, Shelf, make_paper

STAMP, EARLIER = "2026-03-01T00:00:00+00:00", "2025-01-01T00:00:00+00:00"


def known(*titles: str, abstract: str = "old abstract", shelf: Shelf = Shelf()) -> dict[str, Entry]:
    """A library holding `titles` at positions 1, 2, ... (first seen EARLIER, from old.txt)."""
    return {paper_id(t): Entry(make_paper(paper_id(t), t, abstract, ("https://a",), "Jan 1", EARLIER, n, "old.txt"), shelf)
            for n, t in enumerate(titles, 1)}  # fmt: skip


def test_by_id_keeps_one_paper_per_title_identity_and_drops_untitled():
    found = merge.by_id([ImportedPaper("Deep Nets", "first"), ImportedPaper(""), ImportedPaper("deep  nets!", "second")])
    assert list(found) == [paper_id("Deep Nets")]
    assert found[paper_id("Deep Nets")].abstract == "second"


def test_new_papers_come_after_the_last_position_first_seen_now_unless_the_input_says():
    unique = merge.by_id([ImportedPaper("A"), ImportedPaper("New one"), ImportedPaper("Dated", first_seen=EARLIER)])
    plan = merge.plan(unique, known("A", "B"), {}, "new.txt", STAMP)
    assert plan.added == (paper_id("New one"), paper_id("Dated"))
    assert [(p.title, p.position, p.first_seen, p.source) for p in plan.papers] == [
        ("New one", 3, STAMP, "new.txt"), ("Dated", 4, EARLIER, "new.txt")]  # fmt: skip
    assert plan.new_papers == tuple(plan.papers)


def test_an_empty_library_numbers_from_one():
    plan = merge.plan(merge.by_id([ImportedPaper("A"), ImportedPaper("B")]), {}, {}, "s", STAMP)
    assert [p.position for p in plan.papers] == [1, 2]


def test_a_known_paper_gets_the_newest_text_but_keeps_its_date_position_and_source():
    item = ImportedPaper("A", "new abstract", ("https://b",), listed="Mar 1")
    (paper,) = merge.plan(merge.by_id([item]), known("A"), {}, "new.txt", STAMP).papers
    assert (paper.abstract, paper.links) == ("new abstract", ("https://b",))
    assert (paper.first_seen, paper.position, paper.source, paper.listed) == (EARLIER, 1, "old.txt", "Jan 1")


def test_an_empty_abstract_or_no_links_keeps_the_old_ones_and_an_unchanged_paper_is_not_written():
    library = known("A")
    assert merge.plan(merge.by_id([ImportedPaper("A")]), library, {}, "s", STAMP) == merge.ImportPlan([], (), {}, total=1)
    same = ImportedPaper("A", "old abstract", ("https://a",))
    assert merge.plan(merge.by_id([same]), library, {}, "s", STAMP).papers == []


def test_shelves_carried_by_an_export_fill_only_untouched_shelves():
    starred, tagged = Shelf(starred=True), Shelf(tags=("mine",))
    items = [ImportedPaper("A", shelf=starred), ImportedPaper("B", shelf=starred), ImportedPaper("C", shelf=starred),
             ImportedPaper("D", shelf=Shelf()), ImportedPaper("E", shelf=starred), ImportedPaper("F", shelf=starred)]  # fmt: skip
    library = {**known("A"), **known("B", shelf=tagged)}
    saved = {paper_id("A"): Shelf(), paper_id("B"): tagged, paper_id("E"): tagged}  # E: a shelf whose paper left
    shelves = merge.plan(merge.by_id(items), library, saved, "s", STAMP).shelves
    assert shelves == {paper_id("A"): starred, paper_id("C"): starred, paper_id("F"): starred}


def test_cleaned_strips_escapes_and_hands_back_a_clean_paper_itself():
    clean = ImportedPaper("Title", "abstract", ("https://x",), "Mar 1")
    assert merge.cleaned(clean) is clean
    dirty = merge.cleaned(ImportedPaper("T\x1b[2Jitle", "ab\x07stract", ("https://x\x1b]8;;", "\x00"), "Mar\r 1"))
    assert "\x1b" not in dirty.title + dirty.abstract + dirty.listed and "\x07" not in dirty.abstract
    assert "" not in dirty.links and all("\x1b" not in link for link in dirty.links)


# --- papers from sources: matched by arXiv id, else by normalised title -------------------------

def with_arxiv(entries: dict[str, Entry], title: str, arxiv_id: str) -> dict[str, Entry]:
    pid = paper_id(title)
    entry = entries[pid]
    return {**entries, pid: Entry(replace(entry.paper, arxiv_id=arxiv_id), entry.shelf)}


def test_a_source_paper_with_a_known_arxiv_id_is_that_paper_whatever_its_title():
    library = with_arxiv(known("Attention Is All You Need", "B"), "Attention Is All You Need", "1706.03762")
    item = ImportedPaper("Attention is all you need (v7)", arxiv_id="1706.03762", authors=("Ashish Vaswani",))
    unique = merge.by_id([item], library)
    assert list(unique) == [paper_id("Attention Is All You Need")]
    (paper,) = merge.plan(unique, library, {}, "hf", STAMP).papers
    assert paper.title == "Attention Is All You Need"  # the library's title is the paper's identity
    assert paper.authors == ("Ashish Vaswani",) and paper.id == paper_id("Attention Is All You Need")


def test_same_title_but_another_arxiv_id_is_another_paper_and_the_old_id_never_changes():
    library = with_arxiv(known("Scaling Laws"), "Scaling Laws", "2001.08361")
    unique = merge.by_id([ImportedPaper("Scaling laws", arxiv_id="2405.00001")], library)
    (pid,) = unique
    assert pid not in library and pid == paper_id("Scaling laws arXiv:2405.00001")
    assert merge.plan(unique, library, {}, "hf", STAMP).added == (pid,)


def test_a_title_match_fills_in_the_facts_and_keeps_the_page_links_after_the_new_ones():
    library = known("Deep Nets")
    details = Details(upvotes=12, origin=(("upvotes", "hf"),))
    item = ImportedPaper("deep nets", links=("https://arxiv.org/abs/2403.00001",), arxiv_id="2403.00001",
                         authors=("A. Author", "B. Author"), published="2024-03-01", categories=("cs.LG",),
                         details=details)
    (paper,) = merge.plan(merge.by_id([item], library), library, {}, "hf", STAMP).papers
    assert (paper.arxiv_id, paper.published, paper.categories) == ("2403.00001", "2024-03-01", ("cs.LG",))
    assert paper.links == ("https://arxiv.org/abs/2403.00001", "https://a")
    assert paper.details.upvotes == 12 and paper.first_seen == EARLIER and paper.position == 1
    assert paper.abstract == "old abstract"  # the source had none: the old one stays


def test_two_items_of_one_input_with_the_same_arxiv_id_are_one_paper():
    items = [ImportedPaper("Title on HF", arxiv_id="2403.00002"), ImportedPaper("Title on arXiv", arxiv_id="2403.00002")]
    assert len(merge.by_id(items, {})) == 1


def test_details_merge_field_by_field_and_keep_where_each_came_from():
    old = Details(doi="10.1/x", upvotes=3, origin=(("doi", "arxiv-api"), ("upvotes", "hf")))
    new = Details(upvotes=9, github_stars=40, origin=(("github_stars", "hf"), ("upvotes", "hf")))
    merged = old.merged(new)
    assert (merged.doi, merged.upvotes, merged.github_stars) == ("10.1/x", 9, 40)
    assert dict(merged.origin) == {"doi": "arxiv-api", "upvotes": "hf", "github_stars": "hf"}


def test_two_co_authors_of_the_same_name_both_stay():
    item = merge.cleaned(ImportedPaper("T", authors=("Y. Wang", "A. Lee", "Y. Wang", " "), categories=("cs.LG", "cs.LG")))
    assert item.authors == ("Y. Wang", "A. Lee", "Y. Wang") and item.categories == ("cs.LG",)


def test_details_from_outside_are_cleaned_and_only_web_links_kept():
    details = Details(doi="10.1/\x1b[31mx", code_url="javascript:alert(1)", project_url="https://p.example/")
    item = merge.cleaned(ImportedPaper("T", details=details))
    assert (item.details.doi, item.details.code_url, item.details.project_url) == ("10.1/x", "", "https://p.example/")
