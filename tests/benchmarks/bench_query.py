"""Filter-keystroke micro-benchmark for SearchIndex: `uv run python -m tests.benchmarks.bench_query`.

Generates libraries (titles of 6-12 words, ~1.5 KB abstracts of Zipf-distributed words from a
~20,000-word vocabulary, a fifth of the papers annotated) and prints milliseconds per query:
cold (caches cleared before each run) for several kinds of query, and per keystroke while a
query is typed one character at a time and then erased. Budget (DESIGN.md): a keystroke to
updated list <= 30 ms at 10,000 papers, <= 100 ms at 100,000.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import time
from collections.abc import Callable

from storage.model.records import Entry, Paper, Shelf
from storage.search.index import SearchIndex

# Real words placed at Zipf ranks that give roughly their share of ML abstracts (rank 50:
# ~40% of abstracts, 500: ~5%, 3000: ~1%); the rest of the vocabulary is made-up words.
REAL_WORDS = {
    0: "the of and a to in we for with is that on by our this as from are an which",
    30: "models model learning language data training method results performance tasks large",
    150: "approach based show propose new using neural network optimization generation",
    400: "reinforcement policy agents agent reward benchmark evaluation reasoning inference",
    900: "feedback human alignment preference offline online robot control planning search memory",
    2000: "transformer attention diffusion retrieval graph vision multimodal dataset",
    3500: "critique survey curriculum exploration uncertainty calibration distillation verification",
}
SYLLABLES = "ka to ri mon tel sa vi dor pe lu gra net fo mi ster qua zen bo lin cha ex per ion al".split()
TAGS = ("rlhf", "agents", "theory", "to-read", "benchmark", "vision", "nlp", "robotics")

COLD_QUERIES = {
    "field only": "is:unread",
    "fields + tag": "is:starred tag:rlhf",
    "2-char word": "rl",
    "common word": "learning",
    "mid word": "critique",
    "typo": "critiqe",
    "no match": "zzxqv",
    "three words": "reinforcement learning policy",
    "phrase": '"reinforcement learning"',
    "negation": "learning -survey",
    "mixed": "is:unread critique -survey",
}
TYPED_QUERIES = (
    "critique",
    "reinforcement learning",
    "curriculum exploration",
    '"offline policy"',
    "is:unread reward model",
)


def vocabulary(rng: random.Random, size: int = 20_000) -> list[str]:
    real = {word for words in REAL_WORDS.values() for word in words.split()}
    made_up: dict[str, None] = {}
    while len(made_up) < size - len(real):
        word = "".join(rng.choices(SYLLABLES, k=rng.randint(2, 4)))
        if word not in real:
            made_up.setdefault(word)
    vocab = list(made_up)
    for rank, words in REAL_WORDS.items():
        vocab[rank:rank] = words.split()
    return vocab


def generate(count: int, seed: int = 11) -> list[Entry]:
    rng = random.Random(seed)
    vocab = vocabulary(rng)
    cumulative, total = [], 0.0
    for rank in range(len(vocab)):
        total += 1.0 / (rank + 8)
        cumulative.append(total)

    def words(k: int) -> list[str]:
        return rng.choices(vocab, cum_weights=cumulative, k=k)

    sentences = [" ".join(words(rng.randint(8, 20))).capitalize() + "." for _ in range(30_000)]
    entries = []
    for n in range(count):
        title = " ".join(w.capitalize() for w in words(rng.randint(6, 12)))
        abstract = " ".join(rng.choices(sentences, k=12))[:1500]
        entries.append(Entry(Paper(id=f"p{n}", title=title, abstract=abstract), shelf(rng, words)))
    return entries


def shelf(rng: random.Random, words: Callable[[int], list[str]]) -> Shelf:
    if rng.random() >= 0.2:
        return Shelf()
    notes = " ".join(words(30)) if rng.random() < 0.3 else ""
    tags = tuple(rng.sample(TAGS, rng.randint(0, 2)))
    return Shelf(read=rng.random() < 0.6, starred=rng.random() < 0.3, tags=tags, notes=notes)


def timed(run: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = run()
    return (time.perf_counter() - start) * 1000, result


def cold(index: SearchIndex, query: str, repeats: int = 5) -> tuple[float, int]:
    """The best of `repeats` runs: the machine is shared, and interference only adds time."""
    times = []
    for _ in range(repeats):
        index.clear_cache()
        ms, found = timed(lambda: index.search(query))
        times.append(ms)
    return min(times), len(found)  # type: ignore[arg-type]


def typing(index: SearchIndex, query: str, repeats: int = 3) -> tuple[list[float], list[float]]:
    """ms per keystroke (best of `repeats`) typing `query` then erasing it, from cold caches."""
    prefixes = [query[:n] for n in range(1, len(query) + 1)]
    keys = prefixes + prefixes[-2::-1]
    runs = []
    for _ in range(repeats):
        index.clear_cache()
        runs.append([timed(lambda p=p: index.search(p))[0] for p in keys])
    per_key = [min(times) for times in zip(*runs)]
    return per_key[: len(prefixes)], per_key[len(prefixes) :]


def run(size: int) -> None:
    ms, entries = timed(lambda: generate(size))
    print(f"\n== {size:,} papers (generated in {ms / 1000:.1f} s)")
    ms, index = timed(lambda: SearchIndex(entries))
    print(f"build index            {ms:8.1f} ms")
    # The first full collection after building 100,000 entries' worth of objects costs ~0.2 s
    # once; the app pays it at load (or avoids it with gc.freeze()), not on every keystroke.
    ms, _ = timed(gc.collect)
    print(f"first gc.collect()     {ms:8.1f} ms")
    print(f"{'cold query':22s} {'ms':>8s}  results")
    for label, query in {"empty": "", **COLD_QUERIES}.items():
        ms, found = cold(index, query)
        print(f"{label:22s} {ms:8.1f}  {found:>7,}   {query}")
    print(f"{'typing':22s} {'max':>8s} {'median':>8s} {'erase max':>10s}")
    for query in TYPED_QUERIES:
        typed, erased = typing(index, query)
        print(f"{query:22s} {max(typed):8.1f} {statistics.median(typed):8.1f} {max(erased):10.1f}")
        print("    per key:", " ".join(f"{t:.0f}" for t in typed), " erase:", " ".join(f"{t:.0f}" for t in erased))
    update_ms = statistics.median(
        timed(lambda e=e: index.update(Entry(e.paper, Shelf(read=True))))[0] for e in entries[:200]
    )
    print(f"update (6 cached terms) {update_ms:7.3f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated library sizes")
    for size in (int(s) for s in parser.parse_args().sizes.split(",")):
        run(size)


if __name__ == "__main__":
    main()
