"""Deterministic generated papers: for `papershelf demo` and the benchmark suite."""

from __future__ import annotations

import random

from storage.model.imported import ImportedPaper
from storage.model.records import Shelf

_TOPICS = (
    "reinforcement learning", "language models", "diffusion", "graph networks", "robotics",
    "retrieval", "reasoning", "alignment", "vision transformers", "meta-learning",
    "offline RL", "in-context learning", "world models", "program synthesis", "speech",
)
_WORDS = (
    "adaptive scalable efficient robust sparse hierarchical contrastive causal multimodal "
    "probabilistic latent agents benchmark curriculum policy reward critique planning memory "
    "attention tokens search transfer distillation preference feedback exploration dataset "
    "evaluation optimisation representation generalisation compositional self-supervised "
    "long-context embodied simulation verification uncertainty calibration"
).split()
_TAGS = ("rlhf", "agents", "theory", "to-read", "benchmark", "vision", "nlp", "robotics")


def _title(rng: random.Random, n: int) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(4, 9))]
    topic = rng.choice(_TOPICS)
    return f"{' '.join(words).capitalize()} for {topic} ({n})"


def _abstract(rng: random.Random, size: int) -> str:
    sentences, length = [], 0
    while length < size:
        words = [rng.choice(_WORDS) for _ in range(rng.randint(10, 22))]
        sentence = f"We study {rng.choice(_TOPICS)} with {' '.join(words)}."
        sentences.append(sentence)
        length += len(sentence) + 1
    return " ".join(sentences)


def generate(count: int, seed: int = 7, abstract_size: int = 1500) -> list[ImportedPaper]:
    """`count` papers with unique titles; about a fifth carry annotations."""
    rng = random.Random(seed)
    papers = []
    for n in range(1, count + 1):
        shelf = None
        if rng.random() < 0.2:
            shelf = Shelf(
                read=rng.random() < 0.6,
                starred=rng.random() < 0.3,
                tags=tuple(rng.sample(_TAGS, rng.randint(0, 2))),
                notes=_abstract(rng, 120) if rng.random() < 0.3 else "",
            )
        link = f"https://example.org/papers/{n}"
        papers.append(ImportedPaper(_title(rng, n), _abstract(rng, abstract_size) + f" Code: {link}",
                                    (link,), f"Day {1 + n // 100}", shelf=shelf))
    return papers
