"""The record-per-line layout of the catalogue and abstracts.json: the same JSON, read a line at a time."""

from __future__ import annotations

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storage.model.errors import DamagedLibraryError
from storage.files.tinystore import RecordLinesStorage, read_record_lines, stray_temp_files

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(),  # JSON numbers orjson writes
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)
tables = st.dictionaries(st.text(), st.dictionaries(st.text(), json_values, max_size=5), max_size=4)


@settings(max_examples=200, deadline=None)
@given(tables)
def test_written_tables_read_back_line_by_line_and_as_plain_json(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("s") / "abstracts.json"
    RecordLinesStorage(path).write(data)
    assert orjson.loads(path.read_bytes()) == data  # any JSON reader (doctor, TinyDB) agrees
    assert read_record_lines(path) == data  # and the line reader took it without falling back


def test_a_file_in_another_layout_is_read_whole(tmp_path):
    path = tmp_path / "abstracts.json"
    data = {"meta": {"1": {"schema": 2}}, "abstracts": {"1": {"id": "a", "abstract": "x"}}}
    path.write_bytes(orjson.dumps(data))
    assert read_record_lines(path) is None
    assert RecordLinesStorage(path).read() == data


@pytest.mark.parametrize("cut", ["at a line end", "mid-line", "extra after the end"])
def test_a_damaged_file_is_refused_naming_it(tmp_path, cut):
    path = tmp_path / "abstracts.json"
    RecordLinesStorage(path).write({"abstracts": {str(i): {"abstract": "text " * 20} for i in range(5)}})
    raw = path.read_bytes()
    damaged = {
        "at a line end": raw[: raw.index(b"\n", len(raw) // 2) + 1],
        "mid-line": raw[: len(raw) // 2],
        "extra after the end": raw + b'{"more": {}}\n',
    }[cut]
    path.write_bytes(damaged)
    with pytest.raises(DamagedLibraryError, match=r"abstracts\.json: not valid JSON"):
        RecordLinesStorage(path).read()
    assert path.read_bytes() == damaged


def describe(key: str, row: object) -> tuple[str, str]:
    return (key, repr(row))


@settings(max_examples=100, deadline=None)
@given(tables, st.booleans())
def test_converted_reads_agree_in_either_layout(tmp_path_factory, data, by_lines):
    """Rows converted as they are read: the same as converting the plain rows afterwards,
    whether the file is in the line layout or in any other (an edited or older file)."""
    path = tmp_path_factory.mktemp("s") / "catalogue.json"
    if by_lines:
        RecordLinesStorage(path).write(data)
    else:
        path.write_bytes(orjson.dumps(data))
    convert = {name: describe for name in list(data)[:1]}
    expected = {name: {k: describe(k, r) for k, r in rows.items()} if name in convert else rows for name, rows in data.items()}
    if by_lines:  # the line reader itself (a file this small is read whole by the storage)
        assert read_record_lines(path, convert) == expected
    storage = RecordLinesStorage(path)
    assert storage.read_converted(convert) == expected
    assert not storage.changed_on_disk()
    assert storage.read() == data  # not cached: TinyDB's writes get the plain rows


def test_a_conversion_error_is_raised_as_it_is(tmp_path):
    path = tmp_path / "catalogue.json"
    RecordLinesStorage(path).write({"papers": {"1": {"id": "a"}, "2": "not a record"}})

    def strict(key: str, row: object) -> object:
        if not isinstance(row, dict):
            raise DamagedLibraryError(path, f"paper record {key} is malformed")
        return row

    with pytest.raises(DamagedLibraryError, match="paper record 2 is malformed"):
        RecordLinesStorage(path).read_converted({"papers": strict})
    with pytest.raises(DamagedLibraryError, match="paper record 2 is malformed"):
        read_record_lines(path, {"papers": strict})


def test_stray_temp_files_are_those_of_the_atomic_writer_in_the_library_and_its_backups(tmp_path):
    (tmp_path / "backups").mkdir()
    strays = [tmp_path / ".catalogue.json.k3j.tmp", tmp_path / "backups" / ".annotations-1-daily.json.a1.tmp"]
    for path in [*strays, tmp_path / "catalogue.json", tmp_path / ".lock", tmp_path / "notes.tmp"]:
        path.write_bytes(b"{")
    assert stray_temp_files(tmp_path) == sorted(strays)
    assert stray_temp_files(tmp_path / "nowhere") == []
