"""Undo and redo: each change is a Step holding the shelves before and after it."""

from __future__ import annotations

from dataclasses import dataclass, field

from storage.model.records import Paper, Shelf

LIMIT = 500


@dataclass
class Step:
    label: str
    before: dict[str, Shelf]
    after: dict[str, Shelf]
    added_papers: tuple[str, ...] = ()  # an import: undo removes these papers
    restore_papers: tuple[Paper, ...] = field(default=(), repr=False)  # redo puts them back


class History:
    def __init__(self) -> None:
        self._undo: list[tuple[Step, str]] = []
        self._redo: list[Step] = []

    def record(self, step: Step, merge_key: str = "") -> None:
        """Add a step; consecutive steps with the same merge key (a typing burst) become one."""
        self._redo.clear()
        if merge_key and self._undo and self._undo[-1][1] == merge_key:
            first = self._undo[-1][0]
            self._undo[-1] = (Step(step.label, first.before, step.after), merge_key)
            return
        self._undo.append((step, merge_key))
        del self._undo[:-LIMIT]

    def push(self, step: Step) -> None:
        self._undo.append((step, ""))

    def newest(self) -> Step | None:
        return self._undo[-1][0] if self._undo else None

    def pop_undo(self) -> Step | None:
        if not self._undo:
            return None
        step, _ = self._undo.pop()
        self._redo.append(step)
        return step

    def pop_redo(self) -> Step | None:
        if not self._redo:
            return None
        step = self._redo.pop()
        self._undo.append((step, ""))
        return step


def step_to_doc(step: Step) -> dict:
    """A step as JSON, for `papershelf undo` of the last command (redo is not kept)."""
    return {
        "label": step.label,
        "before": {pid: s.to_doc(pid) for pid, s in step.before.items()},
        "after": {pid: s.to_doc(pid) for pid, s in step.after.items()},
        "added_papers": list(step.added_papers),
    }


def step_from_doc(doc: dict) -> Step:
    return Step(
        str(doc["label"]),
        {pid: Shelf.from_doc(s) for pid, s in doc["before"].items()},
        {pid: Shelf.from_doc(s) for pid, s in doc["after"].items()},
        tuple(doc.get("added_papers", ())),
    )
