"""Words: the whitespace-separated words of one field of every entry, and the entries holding each.

A term with no whitespace in it occurs in a text exactly when it occurs in one of the text's
words. So the entries holding a term are those of the (few) distinct words containing it: one
pass over the vocabulary, not one per entry. At 100,000 papers a broad word ("critique", in
97% of abstracts) takes a few ms this way, against ~60 ms of `str.find` over every abstract.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

Posting = int | list[int]  # the slots holding a word: one (most words), or a list of them

JOIN = "\n"  # between the words of the vocabulary string: never inside a word (words split on whitespace)
WORDS_BETWEEN_CHECKS = 4_096  # words found by `containing` between two looks at `check`
CHECK_EVERY = 20_000  # slots gathered (or a tenth as many asked directly) between two looks at `check`
DIRECT_COST = 10  # asking one slot directly costs about as much as gathering this many slots


def _no_check() -> None:
    pass


class Words:
    """word -> the slots whose field holds it. A word seen once stays in the vocabulary (maybe
    with no slots left): removing words would mean rebuilding the vocabulary string."""

    __slots__ = ("_postings", "_vocabulary")

    def __init__(self) -> None:
        self._postings: dict[str, Posting] = {}
        self._vocabulary: str | None = JOIN  # every word, each followed by JOIN; None: to rebuild

    def add(self, slot: int, words: Iterable[str]) -> None:
        postings = self._postings
        for word in words:  # (inlined: 6,000,000 words at 100,000 abstracts)
            held = postings.get(word)
            if held is None:
                postings[word] = slot
                self._vocabulary = None
            elif type(held) is int:  # noqa: E721
                postings[word] = [held, slot]
            else:
                held.append(slot)

    def discard(self, slot: int, words: Iterable[str]) -> None:
        postings = self._postings
        for word in words:
            held = postings.get(word)
            if held == slot:
                postings[word] = []
            elif type(held) is list and slot in held:  # noqa: E721
                held.remove(slot)

    def prepare(self) -> None:
        """Make now what the first search would make (an index is built in the background)."""
        self._joined()

    def _joined(self) -> str:
        if self._vocabulary is None:
            self._vocabulary = JOIN + JOIN.join(self._postings) + JOIN
        return self._vocabulary

    def containing(self, value: str, check: Callable[[], None] = _no_check) -> list[str]:
        """The words `value` is part of (`value` holds no whitespace); `check` is called now and
        then (a letter alone is in most of 100,000 words: ~50 ms)."""
        vocabulary, found = self._joined(), []
        find, rfind = vocabulary.find, vocabulary.rfind
        at = find(value)
        while at >= 0:
            start = rfind(JOIN, 0, at) + 1
            end = find(JOIN, at + len(value))
            found.append(vocabulary[start:end])
            at = find(value, end)
            if len(found) % WORDS_BETWEEN_CHECKS == 0:
                check()
        return found

    def slots(self, value: str, check: Callable[[], None], alive: set[int], holds: Callable[[int], bool]) -> set[int]:
        """The slots whose field holds `value`; `check` is called now and then (it may raise).

        A short value ("r") is part of thousands of words whose slots add up to millions, most
        of them the same few: the biggest words are gathered first, and once the slots still
        missing are few next to the slots still to gather, those are asked directly
        (`holds(slot)`: does its field hold `value`?) instead."""
        postings, slots = self._postings, set()
        held_by = [postings[word] for word in self.containing(value, check)]
        check()
        sizes = [1 if type(held) is int else len(held) for held in held_by]  # noqa: E721
        left = sum(sizes)
        if left <= DIRECT_COST * len(alive):
            return self._gather(held_by, check)
        unchecked = 0  # (just looked)
        for size, held in _biggest_first(sizes, held_by):
            unchecked = _maybe_check(check, unchecked, size)
            slots.add(held) if type(held) is int else slots.update(held)  # noqa: E721
            left -= size
            if (len(alive) - len(slots)) * DIRECT_COST < left:
                break
        check()
        missing = alive - slots
        for n, slot in enumerate(missing):
            if n % (CHECK_EVERY // DIRECT_COST) == 0:
                check()
            if holds(slot):
                slots.add(slot)
        return slots

    @staticmethod
    def _gather(held_by: list[Posting], check: Callable[[], None]) -> set[int]:
        slots: set[int] = set()
        unchecked = CHECK_EVERY
        for held in held_by:
            if type(held) is int:  # noqa: E721
                slots.add(held)
                unchecked += 1
            else:
                unchecked = _maybe_check(check, unchecked, len(held))
                slots.update(held)
        return slots


def _maybe_check(check: Callable[[], None], unchecked: int, size: int) -> int:
    """Look at `check` if `size` more slots would take the work since the last look past
    CHECK_EVERY (a stale search stops within ~1 ms, not after a hundred); the work unchecked now."""
    if unchecked + size < CHECK_EVERY:
        return unchecked + size
    check()
    return size


def _size(pair: tuple[int, Posting]) -> int:
    return pair[0]


def _biggest_first(sizes: list[int], held_by: list[Posting]) -> Iterator[tuple[int, Posting]]:
    """(size, posting) pairs, those of several slots by size, biggest first, then the rest (most
    words of a big vocabulary are in one paper: sorting them too took ~30 ms at 100,000 papers)."""
    yield from sorted((pair for pair in zip(sizes, held_by) if pair[0] > 1), key=_size, reverse=True)
    yield from (pair for pair in zip(sizes, held_by) if pair[0] <= 1)
