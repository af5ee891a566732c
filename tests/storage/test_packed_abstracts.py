"""Abstracts a session's library reads from its file are kept packed in memory (records.pack_text);
everything that reads them still gets the text."""

from __future__ import annotations

import json
from dataclasses import replace

from storage.library import Library
from storage.model.records import Paper, make_paper, pack_text

LONG = "We study sparse reward models for robotic manipulation with a critique of calibration. " * 12


def held(paper: Paper) -> str | bytes:
    """What the paper's abstract slot holds (reading `paper.abstract` always unpacks)."""
    return Paper.abstract._get(paper, Paper)  # type: ignore[attr-defined]


def test_a_packed_abstract_reads_compares_and_converts_as_its_text():
    plain = make_paper("0000000000a1", "Title", LONG)
    packed = plain.with_abstract(pack_text(LONG))
    assert type(held(packed)) is bytes and len(held(packed)) < len(LONG) // 4
    assert packed.abstract == LONG and packed == plain and hash(packed) == hash(plain)
    assert packed.to_doc() == plain.to_doc() and packed.to_doc()["abstract"] == LONG
    assert replace(packed, title="Other").abstract == LONG


def test_text_that_would_not_shrink_is_kept_as_it_is():
    for text in ("", "Short.", "Zéro-shot agents, briefly."):
        assert pack_text(text) is text


def test_a_session_library_packs_what_it_reads_and_still_finds_and_writes_the_text(sample_library):
    full = {e.id: e for e in sample_library.entries()}
    lazy = Library.open(sample_library.directory, abstracts_later=True)
    lazy.search("x")  # waits for the abstracts
    entries = lazy.entries()
    assert entries == list(full.values())
    assert sum(type(held(e.paper)) is bytes for e in entries) > len(entries) // 2  # the long ones
    some = next(e for e in entries if type(held(e.paper)) is bytes)
    phrase = " ".join(full[some.id].paper.abstract.split()[3:6])
    assert some.id in {m.entry.id for m in lazy.search(f'"{phrase}"')}
    lazy.set_read([some.id])
    abstracts = json.loads((sample_library.directory / "abstracts.json").read_text())["abstracts"]
    assert full[some.id].paper.abstract in {record["abstract"] for record in abstracts.values()}


def test_a_library_opened_whole_keeps_its_abstracts_as_text(sample_library):
    assert all(type(held(e.paper)) is str for e in Library.open(sample_library.directory).entries())
