"""More like this: papers whose abstracts share the most distinctive words (TF-IDF cosine).

Computed locally and lazily: the vectors are built on the first request, then reused until
the library's papers change.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

from storage.model.records import Entry
from storage.search.matching import Match

_WORD = re.compile(r"[a-z][a-z0-9-]{2,}")
_STOP = frozenset(
    "the and for with that this from are our we its their these those which while into than "
    "such can has have been also more most using use used based show shows new via not but "
    "all both each other over under between when where how what who may will would should".split()
)
Vector = dict[str, float]


def _stem(word: str) -> str:
    """Plural folding, enough to make "robots" meet "robot" and "policies" meet "policy"."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def _terms(text: str) -> Counter[str]:
    return Counter(_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP)


class SimilarityIndex:
    def __init__(self, entries: Sequence[Entry]) -> None:
        self.entries = list(entries)
        counts = [_terms(f"{e.paper.title} {e.paper.title} {e.paper.abstract}") for e in self.entries]
        df = Counter(term for c in counts for term in c)
        n = len(self.entries)
        self._vectors = [self._vector(c, df, n) for c in counts]

    @staticmethod
    def _vector(counts: Counter[str], df: Counter[str], n: int) -> Vector:
        weights = {t: (1 + math.log(c)) * math.log((1 + n) / (1 + df[t])) for t, c in counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {t: w / norm for t, w in weights.items() if w > 0}

    def similar(self, paper_id: str, limit: int = 20) -> list[Match]:
        """The papers most like `paper_id`, best first, with cosine scores scaled to 0-100."""
        slot = next(i for i, e in enumerate(self.entries) if e.id == paper_id)
        target = self._vectors[slot]
        scored = []
        for i, vector in enumerate(self._vectors):
            if i == slot:
                continue
            small, large = (vector, target) if len(vector) < len(target) else (target, vector)
            score = sum(w * large.get(t, 0.0) for t, w in small.items())
            if score > 0:
                scored.append((score, i))
        scored.sort(key=lambda pair: (-pair[0], pair[1]))
        return [Match(self.entries[i], round(score * 100, 1), ()) for score, i in scored[:limit]]
