"""The catalogue and annotations files (storage.files.catalogue, storage.files.annotations),
without a Library: what each reads back, and what a failed write leaves on disk."""

from __future__ import annotations

import json

import pytest

from storage.files.annotations import Annotations
from storage.files.catalogue import Catalogue
from storage.files.schema import SCHEMA_VERSION
from storage.model.errors import DamagedLibraryError, LibraryWriteError
from storage.model.ids import doc_id
from storage.model.records import BLANK_SHELF, Shelf, make_paper

STAMP = "2026-03-01T00:00:00+00:00"
P1, P2 = "0000000000a1", "0000000000a2"  # paper ids are 12 hex digits


def papers(*titles: str):
    return [make_paper(f"{n:012x}", t, f"about {t}", (), "", STAMP, n, "s") for n, t in enumerate(titles, 1)]


def docs(items):
    return {doc_id(p.id): p.to_doc() for p in items}


@pytest.fixture
def merged():
    return []  # what the catalogue handed to its merge callback


@pytest.fixture
def catalogue(tmp_path, merged):
    return Catalogue(tmp_path, lambda: None, merged.append)


def test_papers_come_back_in_page_order_with_their_abstracts_kept_apart(catalogue, tmp_path):
    a, b = papers("A", "B")
    catalogue.write_papers(docs([b, a]))
    assert catalogue.papers() == [a, b] and catalogue.abstracts_loaded
    on_disk = json.loads((tmp_path / "catalogue.json").read_text())
    assert "abstract" not in on_disk["papers"][str(doc_id(a.id))]
    assert json.loads((tmp_path / "abstracts.json").read_text())["abstracts"][str(doc_id(a.id))]["abstract"] == "about A"


def test_abstracts_later_are_handed_to_merge_once(catalogue, merged):
    catalogue.write_papers(docs(papers("A")))
    assert [p.abstract for p in catalogue.papers(with_abstracts=False)] == [""]
    assert not catalogue.abstracts_loaded
    merged.clear()
    catalogue.ensure_abstracts()
    catalogue.ensure_abstracts()
    assert merged == [{str(doc_id(papers("A")[0].id)): "about A"}] and catalogue.abstracts_loaded


def test_a_catalogue_that_cannot_be_written_puts_the_abstracts_back(catalogue, tmp_path, monkeypatch):
    catalogue.write_papers(docs(papers("A")))
    before = {name: (tmp_path / name).read_bytes() for name in ("catalogue.json", "abstracts.json")}

    def full_disk(data):
        raise LibraryWriteError("disk full")

    monkeypatch.setattr(catalogue.papers_file, "write", full_disk)
    with pytest.raises(LibraryWriteError):
        catalogue.write_papers(docs(papers("A", "B")))
    after = {name: json.loads((tmp_path / name).read_bytes()) for name in before}
    assert after == {name: json.loads(raw) for name, raw in before.items()}


def test_a_damaged_abstracts_file_refuses_a_write_and_leaves_the_catalogue(catalogue, tmp_path):
    catalogue.write_papers(docs(papers("A")))
    catalogue.papers(with_abstracts=False)
    (tmp_path / "abstracts.json").write_text('{"abstracts": {"1": {"abstract": 5}}}')
    before = (tmp_path / "catalogue.json").read_bytes()
    with pytest.raises(DamagedLibraryError, match="abstract record 1 is malformed"):
        catalogue.write_papers(docs(papers("A", "B")))
    assert (tmp_path / "catalogue.json").read_bytes() == before


def test_a_schema_1_catalogue_moves_its_abstracts_out(catalogue, tmp_path):
    (a,) = papers("A")
    (tmp_path / "catalogue.json").write_text(json.dumps({"meta": {"1": {"schema": 1}}, "papers": {"1": a.to_doc()}}))
    assert catalogue.papers() == [a] and catalogue.schema == 1
    catalogue.upgrade()
    assert catalogue.papers() == [a] and catalogue.schema == SCHEMA_VERSION
    assert "abstract" not in json.loads((tmp_path / "catalogue.json").read_text())["papers"]["1"]


def test_a_schema_2_catalogue_is_read_as_it_is_and_upgraded_to_the_new_version_number(catalogue, tmp_path):
    """Schema 3 added optional facts: a schema 2 record reads unchanged; the upgrade writes the
    version number only (an older papershelf then refuses the file rather than drop the facts)."""
    (a,) = papers("A")
    record = a.catalogue_doc()
    (tmp_path / "catalogue.json").write_text(json.dumps({"meta": {"1": {"schema": 2}}, "papers": {"1": record}}))
    assert catalogue.papers(with_abstracts=False) == [a.with_abstract("")] and catalogue.schema == 2
    catalogue.upgrade()
    written = json.loads((tmp_path / "catalogue.json").read_text())
    assert written["meta"]["1"]["schema"] == SCHEMA_VERSION == 3
    assert written["papers"]["1"] == record


def test_shelves_are_written_stamped_and_read_back(tmp_path):
    store = Annotations(tmp_path, lambda: None)
    written = store.write_shelves({P1: Shelf(starred=True)}, STAMP)
    assert written == {P1: Shelf(starred=True, updated=STAMP)}
    assert Annotations(tmp_path, lambda: None).load() == written


def test_a_shelf_removed_elsewhere_comes_back_blank_once(tmp_path):
    mine, other = Annotations(tmp_path, lambda: None), Annotations(tmp_path, lambda: None)
    mine.write_shelves({P1: Shelf(starred=True), P2: Shelf(read=True)}, STAMP)
    other.load()
    other.remove_shelves([P1])
    assert mine.load() == {P1: BLANK_SHELF, P2: Shelf(read=True, updated=STAMP)}
    assert P1 not in mine.load()


def test_every_write_is_one_journal_line(tmp_path):
    store = Annotations(tmp_path, lambda: None)
    store.write_shelves({P1: Shelf(starred=True)}, STAMP)  # the first also records the schema
    journal = tmp_path / "annotations.journal"
    lines = len(journal.read_bytes().splitlines())
    store.set_setting("sort", "title")
    store.write_shelves({P2: Shelf(read=True)}, STAMP)
    store.remove_shelves([P1])
    assert len(journal.read_bytes().splitlines()) == lines + 3
    fresh = Annotations(tmp_path, lambda: None)
    assert fresh.load() == {P2: Shelf(read=True, updated=STAMP)} and fresh.settings == {"sort": "title"}


def test_a_write_reads_the_file_once_and_looks_at_the_backups_once_a_day(tmp_path, monkeypatch):
    from storage.files import backups
    from storage.files.journal import JournaledStorage

    store = Annotations(tmp_path, lambda: None)
    store.write_shelves({P1: Shelf(starred=True)}, STAMP)  # the first write: nothing to back up yet
    store.write_shelves({P1: Shelf(read=True)}, STAMP)  # the day's backup
    assert [p.name.endswith("-daily.json") for p in backups.list_backups(tmp_path)] == [True]
    calls = {"read": 0, "looked": 0}
    real_read, real_looked = JournaledStorage.read, backups.backed_up_today
    monkeypatch.setattr(JournaledStorage, "read", lambda self: calls.__setitem__("read", calls["read"] + 1) or real_read(self))
    monkeypatch.setattr(backups, "backed_up_today", lambda d: calls.__setitem__("looked", calls["looked"] + 1) or real_looked(d))
    for read in (True, False, True):
        store.write_shelves({P2: Shelf(read=read)}, STAMP)
    assert calls == {"read": 3, "looked": 0}
    assert len(backups.list_backups(tmp_path)) == 1


def test_a_new_store_finds_the_day_s_backup_and_makes_no_other(tmp_path):
    from storage.files import backups

    Annotations(tmp_path, lambda: None).write_shelves({P1: Shelf(starred=True)}, STAMP)
    Annotations(tmp_path, lambda: None).write_shelves({P1: Shelf(read=True)}, STAMP)  # backs up the first
    other = Annotations(tmp_path, lambda: None)
    other.write_shelves({P2: Shelf(read=True)}, STAMP)
    other.write_shelves({P2: Shelf(read=False)}, STAMP)
    assert len(backups.list_backups(tmp_path)) == 1


def test_the_first_write_records_the_schema_in_the_same_journal_write(tmp_path, monkeypatch):
    from storage.files.journal import JournaledStorage

    writes = []
    real = JournaledStorage._append_line
    monkeypatch.setattr(JournaledStorage, "_append_line", lambda self, line: writes.append(line) or real(self, line))
    store = Annotations(tmp_path, lambda: None)
    store.write_shelves({P1: Shelf(starred=True)}, STAMP)
    store.write_shelves({P2: Shelf(starred=True)}, STAMP)
    assert [len(w.splitlines()) for w in writes] == [2, 1]
    assert json.loads(writes[0].splitlines()[0])["table"] == "meta"
    assert Annotations(tmp_path, lambda: None).load() == {P1: Shelf(starred=True, updated=STAMP), P2: Shelf(starred=True, updated=STAMP)}
