"""papershelf's library, without any UI: what the command line and the TUI may use.

Everything here is imported on first use (PEP 562), so `from storage import Library` costs only
the modules a start needs. Code outside storage/ imports from here, never from its parts.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_PUBLIC = {
    "storage.library": ("Library", "ImportResult", "now_iso"),
    "storage.changes.entries": ("Counts",),
    "storage.model.records": ("Entry", "Paper", "Shelf", "normalise_tags"),
    "storage.model.errors": ("PapershelfError", "ImportFormatError", "DamagedLibraryError", "UnknownPaperError"),
    "storage.model.text": ("printable", "clean_line", "clean_block", "plural"),
    "storage.files.outputs": ("write_new_file",),
    "storage.files.paths": ("library_dir",),
    "storage.formats.detect": ("load_bytes",),
    "storage.formats.export": ("export", "FORMATS"),
    "storage.formats.shared": ("one_line",),
    "storage.formats.markdown": ("markdown_link",),
    "storage.formats.bibtex": ("to_bibtex",),
    "storage.search.matching": ("Match",),
    "storage.files.first_screen": ("read_first_screen",),
    "storage.search.sorting": ("DEFAULT_SORT", "SORTS", "next_sort", "sort_matches"),
    "storage.tools.stats": ("Stats", "compute", "bar", "sparkline"),
    "storage.tools.demo": ("generate",),
    "storage.sources.fetching": ("fetch_hf", "fetch_arxiv", "fetch_feed", "add_ids", "refetch", "recent", "Fetched"),
    "storage.sources.enrich": ("enrich", "Enriched"),
    "storage.sources.http": ("Client",),
    "storage.sources.errors": ("SourceError",),
    "storage.sync.engine": ("sync_library", "SyncResult"),
    "storage.sync.git": ("SyncError",),
    "storage.sync.status": ("repository_status", "RepoStatus"),
    "storage.sync.settings": ("SYNC_ON_START", "SYNC_ON_QUIT", "wants_sync"),
    "storage.sources.endpoints": ("hf_url",),
}
_MODULES = {"doctor": "storage.tools.doctor", "library": "storage.library"}
_WHERE = {name: module for module, names in _PUBLIC.items() for name in names}

__all__ = sorted([*_WHERE, *_MODULES])


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        value = import_module(_MODULES[name])
    elif name in _WHERE:
        value = getattr(import_module(_WHERE[name]), name)
    else:
        raise AttributeError(f"module 'storage' has no attribute {name!r}")
    globals()[name] = value
    return value
