from __future__ import annotations

import json
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storage.files.schema import SCHEMA_VERSION
from storage.model.errors import DamagedLibraryError, PapershelfError, UnknownPaperError
from storage.model.ids import normalise_title, paper_id
from storage.library import Library
from storage.model.imported import ImportedPaper
from storage.model.records import Shelf
from tests.helpers import papers


@pytest.fixture
def lib(tmp_path):
    library = Library.open(tmp_path / "lib")
    library.import_papers(papers(5), "page.txt")
    return library


def test_ids_fold_case_whitespace_and_punctuation():
    assert normalise_title("  ReLIC:  A Recipe — for RL! ") == "relic a recipe for rl"
    assert paper_id("ReLIC: a recipe for RL") == paper_id("relic   A RECIPE, for rl.")
    assert paper_id("Café models") == paper_id("Cafe models")
    assert paper_id("one") != paper_id("two")


def test_import_keeps_page_order_and_counts(lib):
    assert [e.paper.title for e in lib.entries()] == [f"Paper number {i}" for i in range(5)]
    assert [e.paper.position for e in lib.entries()] == [1, 2, 3, 4, 5]
    assert all(e.paper.first_seen and e.paper.source == "page.txt" for e in lib.entries())


def test_reimport_adds_nothing_and_keeps_annotations(lib):
    first = lib.entries()[0].id
    lib.set_starred([first])
    result = lib.import_papers(papers(5), "page.txt")
    assert (len(result.added), result.existing, result.total) == (0, 5, 5)
    assert len(lib) == 5 and lib.entry(first).shelf.starred


def test_paper_seen_again_keeps_first_date_and_takes_newest_text(lib):
    old = lib.entries()[1].paper
    lib.import_papers([ImportedPaper("PAPER number 1", "A better abstract.", listed="Mar 12")], "later.txt")
    new = lib.entry(old.id).paper
    assert new.abstract == "A better abstract." and new.first_seen == old.first_seen
    assert new.position == old.position and new.source == "page.txt"


def test_duplicate_titles_in_one_import_count_once(tmp_path):
    library = Library.open(tmp_path)
    result = library.import_papers([ImportedPaper("Same"), ImportedPaper("same!")], "x")
    assert result.total == 1 and len(library) == 1


def test_annotations_persist_across_reopen(lib, tmp_path):
    a, b = (e.id for e in lib.entries()[:2])
    lib.set_read([a])
    lib.set_starred([b])
    lib.add_tags([b], "RLHF, agents")
    lib.set_notes(a, "great paper 🎉\nsecond line")
    lib.set_setting("cursor", b)
    again = Library.open(lib.directory)
    assert again.entry(a).shelf.read and again.entry(a).shelf.read_at
    assert again.entry(b).shelf.starred and again.entry(b).shelf.tags == ("rlhf", "agents")
    assert again.entry(a).shelf.notes == "great paper 🎉\nsecond line"
    assert again.get_setting("cursor") == b
    assert again.counts().read == 1 and again.counts().starred == 1
    assert again.all_tags() == ["agents", "rlhf"]


def test_annotate_applies_everything_in_one_step(lib):
    ids = [e.id for e in lib.entries()[:3]]
    lib.annotate(ids, read=True, starred=True, add_tags=["x"], notes="n")
    assert all(lib.entry(i).shelf == Shelf(True, True, ("x",), "n", lib.entry(i).shelf.read_at, lib.entry(i).shelf.updated) for i in ids)
    assert lib.undo() is not None
    assert all(lib.entry(i).shelf.is_blank for i in ids)


def test_unknown_id_changes_nothing(lib):
    before = (lib.directory / "annotations.json").read_bytes() if (lib.directory / "annotations.json").exists() else None
    with pytest.raises(UnknownPaperError):
        lib.set_read([lib.entries()[0].id, "ffffffffffff"])
    after = (lib.directory / "annotations.json").read_bytes() if (lib.directory / "annotations.json").exists() else None
    assert before == after and lib.counts().read == 0


def test_resolve_accepts_unique_prefixes(lib):
    pid = lib.entries()[0].id
    assert lib.resolve(pid[:6]) == pid
    with pytest.raises(UnknownPaperError):
        lib.resolve("abc")  # too short to be a prefix


def test_undo_and_redo_of_import_and_marks(lib):
    result = lib.import_papers(papers(2, prefix="Extra"), "more.txt")
    assert len(lib) == 7
    assert "import of more.txt" in lib.undo()
    assert len(lib) == 5 and all(pid not in {e.id for e in lib.entries()} for pid in result.added)
    assert len(Library.open(lib.directory)) == 5
    lib.redo()
    assert len(lib) == 7


def test_note_typing_burst_is_one_undo_step(lib):
    pid = lib.entries()[0].id
    for text in ("g", "gr", "gre", "great"):
        lib.set_notes(pid, text)
    lib.undo()
    assert lib.entry(pid).shelf.notes == ""


def test_change_made_by_another_process_is_seen_and_kept(lib):
    a, b = (e.id for e in lib.entries()[:2])
    other = Library.open(lib.directory)
    other.set_starred([a])
    assert lib.refresh() is True
    assert lib.entry(a).shelf.starred
    lib.set_read([b])  # starts from disk: other's star survives
    assert Library.open(lib.directory).entry(a).shelf.starred
    assert lib.refresh() is False


def test_stale_in_memory_state_never_overwrites_disk(lib):
    a = lib.entries()[0].id
    other = Library.open(lib.directory)
    other.add_tags([a], "mine")
    lib.set_starred([a])  # no refresh() first
    shelf = Library.open(lib.directory).entry(a).shelf
    assert shelf.starred and shelf.tags == ("mine",)


@pytest.mark.parametrize("papers", [{}, {"1": {"doi": "10.1/x", "title": ["a newer shape"]}}])
def test_newer_schema_is_refused_and_untouched(tmp_path, papers):
    """Records a newer papershelf wrote may have another shape: the schema is what is said."""
    folder = tmp_path / "lib"
    folder.mkdir()
    data = {"meta": {"1": {"schema": 99}}, "papers": papers}
    (folder / "catalogue.json").write_text(json.dumps(data))
    before = (folder / "catalogue.json").read_bytes()
    with pytest.raises(PapershelfError, match="newer papershelf"):
        Library.open(folder)
    assert (folder / "catalogue.json").read_bytes() == before


@pytest.mark.parametrize("content", [
        b"", b"{not json", b"[1, 2]", b'{"papers": {"1": {"nope": 1}}}', b"\xff\xfe",
        b'{"papers": {"1": {"id": "a", "title": "t", "abstract": 5}}}',
        b'{"papers": {"1": {"id": "a", "title": "t", "links": [1]}}}',
    ])
def test_damaged_catalogue_names_the_file_and_stays_untouched(tmp_path, content):
    folder = tmp_path / "lib"
    folder.mkdir()
    (folder / "catalogue.json").write_bytes(content)
    with pytest.raises(DamagedLibraryError) as info:
        Library.open(folder)
    assert "catalogue.json" in str(info.value) and "untouched" in str(info.value)
    assert (folder / "catalogue.json").read_bytes() == content


def test_damaged_annotations_point_to_the_newest_backup(lib):
    pid = lib.entries()[0].id
    lib.set_read([pid])
    lib.set_starred([pid])  # second write of the day: a backup exists now
    (lib.directory / "annotations.json").write_bytes(b'{"shelves": ')
    with pytest.raises(DamagedLibraryError, match="newest backup is .*backups"):
        Library.open(lib.directory)


def test_library_path_that_is_a_file_is_refused(tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(PapershelfError, match="not a directory"):
        Library.open(target)


def test_papershelf_home_sets_the_default_location(tmp_path, monkeypatch):
    monkeypatch.setenv("PAPERSHELF_HOME", str(tmp_path / "home"))
    library = Library.open()
    library.import_papers(papers(1), "x")
    assert (tmp_path / "home" / "catalogue.json").exists()


def test_lock_refuses_a_symlink(tmp_path):
    folder = tmp_path / "lib"
    folder.mkdir()
    victim = tmp_path / "victim"
    victim.write_text("precious")
    os.symlink(victim, folder / ".lock")
    with pytest.raises(PapershelfError, match="lock"):
        Library.open(folder)
    assert victim.read_text() == "precious"


def test_refresh_reports_outside_changes_even_after_an_own_write(lib):
    a, b = (e.id for e in lib.entries()[:2])
    other = Library.open(lib.directory)
    other.set_starred([a])
    lib.set_read([b])  # this write picks up the star on its way
    assert lib.entry(a).shelf.starred
    assert lib.refresh() is True
    assert lib.refresh() is False


def test_index_follows_outside_changes_without_a_rebuild(lib):
    a = lib.entries()[0].id
    index = lib.index
    Library.open(lib.directory).set_starred([a])
    lib.refresh()
    assert lib.index is index
    assert [m.entry.id for m in lib.search("is:starred")] == [a]
    Library.open(lib.directory).set_starred([a], False)
    lib.refresh()
    assert lib.search("is:starred") == []


def test_index_built_in_another_thread_misses_no_toggle(lib):
    import threading

    ids = [e.id for e in lib.entries()]
    builder = threading.Thread(target=lambda: lib.index)
    builder.start()
    lib.set_read(ids)
    builder.join()
    assert len(lib.search("is:read")) == len(ids)


# --- abstracts in their own file (schema 2) -------------------------------------------------


def _tables(path):
    return json.loads(path.read_text())


def test_abstracts_live_in_their_own_file(sample_library):
    folder = sample_library.directory
    catalogue, abstracts = _tables(folder / "catalogue.json"), _tables(folder / "abstracts.json")
    assert not any("abstract" in doc for doc in catalogue["papers"].values())
    assert catalogue["meta"]["1"]["schema"] == abstracts["meta"]["1"]["schema"] == SCHEMA_VERSION
    assert abstracts["abstracts"].keys() == catalogue["papers"].keys()
    assert Library.open(folder).entries() == sample_library.entries()
    assert sum(bool(e.paper.abstract) for e in sample_library.entries()) == 46  # two papers have none


def test_a_schema_1_library_is_upgraded_in_place(sample_library):
    """Schema 1 kept abstracts inside catalogue.json; opening moves them out, losing nothing."""
    folder, before = sample_library.directory, sample_library.entries()
    old = {"meta": {"1": {"schema": 1}}, "papers": {str(int(e.id, 16)): e.paper.to_doc() for e in before}}
    (folder / "catalogue.json").write_text(json.dumps(old))
    (folder / "abstracts.json").unlink()
    assert Library.open(folder).entries() == before
    catalogue = _tables(folder / "catalogue.json")
    assert catalogue["meta"]["1"]["schema"] == SCHEMA_VERSION
    assert not any("abstract" in doc for doc in catalogue["papers"].values())
    assert len(_tables(folder / "abstracts.json")["abstracts"]) == len(before)


def test_abstracts_later_paints_first_and_fills_in_on_demand(sample_library):
    full = sample_library.entries()
    lazy = Library.open(sample_library.directory, abstracts_later=True)
    assert not lazy.abstracts_loaded
    assert [e.paper.title for e in lazy.entries()] == [e.paper.title for e in full]
    assert all(e.paper.abstract == "" for e in lazy.entries())
    only_in_abstracts = "combinatorial"  # a word of the sample page that is in no title
    assert not any(only_in_abstracts in e.paper.title.lower() for e in full)
    found = {m.entry.id for m in lazy.search(only_in_abstracts)}  # the search waits for the abstracts
    assert found and found == {e.id for e in full if only_in_abstracts in e.paper.abstract.lower()}
    assert lazy.abstracts_loaded and lazy.entries() == full


def test_background_load_reports_back_and_keeps_changes_made_meanwhile(sample_library):
    import threading

    pid = sample_library.entries()[3].id
    lazy = Library.open(sample_library.directory, abstracts_later=True)
    lazy.set_starred([pid])  # before the abstracts are in
    finished: list = []
    done = threading.Event()
    lazy.load_abstracts_in_background(lambda error: (finished.append(error), done.set()))
    assert done.wait(timeout=30)
    assert finished == [None] and lazy.abstracts_loaded
    entry = lazy.entry(pid)
    assert entry.shelf.starred and entry.paper.abstract == sample_library.entry(pid).paper.abstract


def test_a_damaged_abstracts_file_is_refused_and_left_untouched(sample_library):
    import threading

    path = sample_library.directory / "abstracts.json"
    path.write_bytes(b'{"abstracts": {"1": {"id": "x", "abstract": 5}}}')
    damaged = path.read_bytes()
    with pytest.raises(DamagedLibraryError, match=r"abstracts\.json: abstract record 1 is malformed"):
        Library.open(sample_library.directory)
    lazy = Library.open(sample_library.directory, abstracts_later=True)
    errors: list = []
    done = threading.Event()
    lazy.load_abstracts_in_background(lambda error: (errors.append(error), done.set()))
    assert done.wait(timeout=30) and isinstance(errors[0], DamagedLibraryError)
    with pytest.raises(DamagedLibraryError, match="abstracts.json"):
        lazy.import_papers(papers(2, "Fresh"), "more.txt")
    assert path.read_bytes() == damaged and len(Library.open(sample_library.directory, abstracts_later=True)) == 48


def _reference_normalise_title(title: str) -> str:
    """The id rule as first written (ids are on disk: the fast path must never change one)."""
    import re
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", title.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[\W_]+", " ", bare).split())


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=40) | st.text(alphabet=st.characters(max_codepoint=127), max_size=40))
def test_title_normalisation_fast_path_keeps_every_id(title):
    assert normalise_title(title) == _reference_normalise_title(title)


@settings(max_examples=100, deadline=None)
@given(st.text(), st.text(), st.text(), st.lists(st.text(), max_size=2).map(tuple), st.text(), st.text(),
       st.integers(), st.text(), st.booleans())  # fmt: skip
def test_the_fast_record_makers_make_the_same_frozen_records(pid, title, abstract, links, listed, first_seen,
                                                              position, source, read):  # fmt: skip
    import dataclasses

    from storage.model.records import Entry, Paper, make_entry, make_paper, make_shelf

    values = (pid, title, abstract, links, listed, first_seen, position, source)
    paper, slow = make_paper(*values), Paper(*values)
    assert paper == slow and hash(paper) == hash(slow) and type(paper) is Paper
    shelf = make_shelf(read, not read, (title,), abstract, listed, source)
    assert shelf == Shelf(read, not read, (title,), abstract, listed, source)
    entry = make_entry(paper, Shelf(read=read))
    assert entry == Entry(slow, Shelf(read=read)) and hash(entry) == hash(Entry(slow, Shelf(read=read)))
    with pytest.raises(dataclasses.FrozenInstanceError):
        paper.title = "changed"  # type: ignore[misc]


@pytest.mark.parametrize("whole_below", [8 << 20, 0])  # parsed in one go / a record at a time
def test_a_malformed_paper_record_is_named_and_the_library_left_untouched(sample_library, monkeypatch, whole_below):
    import orjson

    from storage.files import tinystore

    monkeypatch.setattr(tinystore, "WHOLE_BELOW", whole_below)
    path = sample_library.directory / "catalogue.json"
    data = orjson.loads(path.read_bytes())
    key = list(data["papers"])[40]
    data["papers"][key]["links"] = ["https://ok.example", 7]
    path.write_bytes(b"".join(tinystore.record_lines(data)))
    before = path.read_bytes()
    with pytest.raises(DamagedLibraryError, match=rf"catalogue\.json: paper record {key} is malformed"):
        Library.open(sample_library.directory)
    assert path.read_bytes() == before


def test_held_writes_wait_for_the_one_in_progress_and_block_later_ones(sample_library):
    """What papershelf's exit watchdog relies on before it ends the process at once."""
    import threading

    pid = sample_library.entries()[0].id
    assert sample_library.hold_writes(timeout=5)
    finished = threading.Event()
    writer = threading.Thread(target=lambda: (sample_library.set_read([pid]), finished.set()), daemon=True)
    writer.start()
    assert not finished.wait(0.3)  # the write waits for the lock, which is never given back
    assert not sample_library.entry(pid).shelf.read


# -- orphaned shelves (a shelf on disk whose paper the catalogue no longer holds) ------------


def _orphan(lib: Library, title: str) -> str:
    """Star and tag `title`, then drop it from the catalogue behind the library's back (what a
    restored annotations backup or an older catalogue leaves); the library reopened."""
    from storage.files.catalogue import Catalogue
    from storage.model.ids import doc_id

    pid = paper_id(title)
    lib.set_starred([pid])
    lib.add_tags([pid], "keep")
    lib.set_notes(pid, "my note")
    lib.close()
    Catalogue(lib.directory, lambda: None, lambda texts: None).write_papers({}, remove=[doc_id(pid)])
    return pid


def test_a_reimported_paper_gets_its_orphaned_shelf_back_and_a_change_keeps_it(lib):
    pid = _orphan(lib, "Paper number 2")
    lib = Library.open(lib.directory)
    assert pid not in {e.id for e in lib.entries()}
    lib.import_papers([ImportedPaper("Paper number 2")], "again")
    assert (lib.entry(pid).shelf.starred, lib.entry(pid).shelf.tags) == (True, ("keep",))
    lib.set_read([pid])
    lib.close()
    shelf = Library.open(lib.directory).entry(pid).shelf
    assert (shelf.read, shelf.starred, shelf.tags, shelf.notes) == (True, True, ("keep",), "my note")


def test_an_export_never_overwrites_an_orphaned_shelf(lib):
    pid = _orphan(lib, "Paper number 2")
    lib = Library.open(lib.directory)
    lib.import_papers([ImportedPaper("Paper number 2", shelf=Shelf(tags=("theirs",)))], "export.json")
    lib.close()
    shelf = Library.open(lib.directory).entry(pid).shelf
    assert (shelf.tags, shelf.notes) == (("keep",), "my note")


def test_a_paper_imported_by_another_process_gets_its_orphaned_shelf(lib):
    pid = _orphan(lib, "Paper number 2")
    mine, other = Library.open(lib.directory), Library.open(lib.directory)
    other.import_papers([ImportedPaper("Paper number 2")], "again")
    other.close()
    mine.refresh()
    assert mine.entry(pid).shelf.tags == ("keep",)
