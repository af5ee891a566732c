from storage.model.records import Entry, Paper
from storage.search.similar import SimilarityIndex


def entry(n, title, abstract):
    return Entry(Paper(f"{n:012x}", title, abstract))


LIB = [
    entry(1, "Reward models for RLHF", "We train reward models from human preference data for RLHF of language models."),
    entry(2, "Preference optimisation", "Direct preference optimisation replaces the reward model in RLHF with a classifier loss."),
    entry(3, "Robot grasping", "A robot arm learns grasping from camera images with a convolutional policy."),
    entry(4, "Legged locomotion", "Quadruped robots learn locomotion policies in simulation and transfer to hardware."),
]


def test_more_like_this_ranks_shared_distinctive_words_first():
    index = SimilarityIndex(LIB)
    rlhf = index.similar(LIB[0].id)
    assert rlhf[0].entry.id == LIB[1].id and 0 < rlhf[0].score <= 100
    assert LIB[0].id not in {m.entry.id for m in rlhf}
    robots = index.similar(LIB[2].id)
    assert robots[0].entry.id == LIB[3].id


def test_unrelated_papers_are_left_out_and_limit_holds():
    index = SimilarityIndex(LIB)
    assert all(m.score > 0 for m in index.similar(LIB[3].id))
    assert len(index.similar(LIB[0].id, limit=1)) == 1


def test_library_similar_uses_current_annotations(tmp_path):
    from storage.library import Library
    from storage.model.imported import ImportedPaper

    lib = Library.open(tmp_path)
    lib.import_papers([ImportedPaper(e.paper.title, e.paper.abstract) for e in LIB], "x")
    first, second = (e.id for e in lib.entries()[:2])
    lib.similar(first)
    lib.set_starred([second])
    assert lib.similar(first)[0].entry.shelf.starred


class _LockedReads(dict):
    """An entries dict that fails a walk over it made without the entries' lock held."""

    def __init__(self, items, lock):
        super().__init__(items)
        self.lock = lock

    def values(self):
        assert self.lock._is_owned(), "walked the entries without the lock"
        return super().values()


def test_entries_similar_walks_the_entries_under_the_lock_and_sees_later_shelves():
    from storage.changes.entries import Entries
    from storage.model.records import Shelf

    entries = Entries()
    entries.load([e.paper for e in LIB], {})
    entries.by_id = _LockedReads(entries.by_id, entries._lock)
    assert entries.similar(LIB[0].id, 3)[0].entry.id == LIB[1].id
    entries.set_shelves({LIB[1].id: Shelf(starred=True)})
    assert entries.similar(LIB[0].id, 3)[0].entry.shelf.starred
