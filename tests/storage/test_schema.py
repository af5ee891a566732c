"""The files' schema (storage.files.schema): the version check and the schema-1 upgrade."""

from __future__ import annotations

import pytest

from storage.files import schema
from storage.files.tinystore import AtomicJSONStorage
from storage.model.errors import DamagedLibraryError, PapershelfError


@pytest.fixture
def storage(tmp_path):
    return AtomicJSONStorage(tmp_path / "catalogue.json")


def test_a_file_without_meta_is_of_this_schema(storage):
    assert schema.check_schema({}, storage) == schema.SCHEMA_VERSION
    assert schema.check_schema({"meta": schema.meta_table()}, storage) == schema.SCHEMA_VERSION
    assert schema.check_schema({"meta": {"1": {"schema": 1}}}, storage) == 1


def test_a_newer_schema_is_refused_and_says_to_upgrade(storage):
    with pytest.raises(PapershelfError, match="newer papershelf.*upgrade papershelf") as caught:
        schema.check_schema({"meta": {"1": {"schema": schema.SCHEMA_VERSION + 1}}}, storage)
    assert not isinstance(caught.value, DamagedLibraryError)


@pytest.mark.parametrize("meta", [{"1": {"schema": "2"}}, {"1": {"schema": True}}, {"1": []}, {"1": {"schema": None}},
                                  {"1": {"schema": 0}}, {"1": {"schema": -3}}, []])  # fmt: skip
def test_a_meta_record_without_a_whole_number_is_damage(storage, meta):
    with pytest.raises(DamagedLibraryError, match="no valid schema version"):
        schema.check_schema({"meta": meta}, storage)


def test_doctor_and_the_check_read_the_same_version():
    from storage.tools.doctor import _schema_findings

    for meta in [{"1": {"schema": 1}}, {"1": {"schema": 0}}, {"1": {"schema": "2"}}, {}, []]:
        data = {"meta": meta}
        damaged = any(f.serious for f in _schema_findings("catalogue.json", data))
        assert (schema.schema_version(data) is None) == damaged


def test_read_converted_names_the_malformed_record(storage):
    storage.write({"papers": {"1": {"n": 1}, "2": {"x": 2}}})
    with pytest.raises(DamagedLibraryError, match="paper record 2 is malformed"):
        schema.read_converted(storage, "papers", lambda key, doc: doc["n"])
    assert schema.read_converted(storage, "papers", lambda key, doc: doc.get("n")) == {"papers": {"1": 1, "2": None}}


def test_read_converted_says_newer_schema_before_a_record_it_cannot_read(storage):
    storage.write({"meta": {"1": {"schema": 99}}, "papers": {"1": {"new": "shape"}}})
    with pytest.raises(PapershelfError, match="newer papershelf"):
        schema.read_converted(storage, "papers", lambda key, doc: doc["n"])


def test_schema_1_catalogue_records_holding_an_abstract_are_rewritten():
    data = {"papers": {"1": {"id": "a", "abstract": "x"}, "2": {"id": "b"}, "3": "junk"}}
    assert schema.catalogue_upgrade(1, data) == {"1": {"id": "a", "abstract": "x"}}
    assert schema.catalogue_upgrade(2, data) == {}
    assert schema.catalogue_upgrade(1, {}) == {}
