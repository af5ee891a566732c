"""Checking a library without opening it, and restoring its annotations from a backup.

`papershelf doctor` has to work on exactly the libraries that `Library.open` refuses, so it
reads the files itself and never goes through Library. It writes nothing unless asked to
restore. Problems make a library unhealthy; warnings (annotations of papers that are not in
the catalogue, leftover temp files) are reported but harmless: an orphaned annotation comes
back if its paper is imported again, and temp files are removed at the next start.

Every string taken from a file is shown with repr(): a damaged or hostile file cannot put
escape sequences on the terminal through this report.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import orjson

from storage.files import backups
from storage.files import paths
from storage.model.errors import LibraryWriteError, PapershelfError
from storage.model.ids import doc_id, paper_id, placeholder_title
from storage.files.schema import ABSTRACTS, META, PAPERS, SCHEMA_VERSION, SETTINGS, SHELVES, schema_version
from storage.files.locking import LibraryLock
from storage.model.records import Shelf
from storage.model.text import plural
from storage.files.journal import discard, replay_onto
from storage.files.tinystore import atomic_write_bytes, stray_temp_files

EXPECTED_TABLES = {paths.CATALOGUE: {META, PAPERS}, paths.ANNOTATIONS: {META, SHELVES, SETTINGS},
                   paths.ABSTRACTS: {META, ABSTRACTS}}  # fmt: skip
ABSTRACT_FIELDS = {"abstract": str}
PAPER_FIELDS = {"title": str, "abstract": str, "links": list, "listed": str, "first_seen": str,
                "position": int, "source": str, "authors": list, "arxiv_id": str, "published": str,
                "categories": list}  # fmt: skip
SHELF_FIELDS = {"read": bool, "starred": bool, "tags": list, "notes": str, "read_at": str, "updated": str}
_KIND_NAMES = {str: "a string", int: "a whole number", bool: "true or false", list: "a list of strings"}
_ID = re.compile(r"[0-9a-f]{12}")
_BACKUP_NAME = re.compile(r"annotations-(\d{8}T\d{12})Z-(.+)\.json")
SHOWN_PER_FILE = 20  # findings listed per file; the rest are counted


@dataclass(frozen=True, slots=True)
class Finding:
    file: str  # the file's name inside the library, e.g. "annotations.json"
    message: str
    serious: bool = True  # False: a warning, reported but the library is still healthy


@dataclass(frozen=True, slots=True)
class BackupInfo:
    path: Path
    taken: datetime | None
    reason: str
    annotated: int | None  # papers with a non-blank annotation; None if it cannot be read
    problem: str = ""

    def line(self) -> str:
        when = f"{self.taken:%Y-%m-%d %H:%M:%S} UTC" if self.taken else "time unknown"
        what = plural(self.annotated, "annotated paper") if self.annotated is not None else f"unusable: {self.problem}"
        return f"{shown(self.path.name):<56} {when}  {shown(self.reason):<14} {what}"


def shown(text: str) -> str:
    """Text from a file or a file name, printable as it is or else quoted with its escapes visible."""
    return text if text.isprintable() else repr(text)


@dataclass(frozen=True, slots=True)
class Report:
    directory: Path
    findings: tuple[Finding, ...]
    summaries: tuple[str, ...]  # one line per file that is fine, e.g. "catalogue.json: 78 papers"
    backups: tuple[BackupInfo, ...]

    @property
    def healthy(self) -> bool:
        return not any(f.serious for f in self.findings)

    def lines(self) -> list[str]:
        out = [f"library {shown(str(self.directory))}"]
        out += [f"  ok       {summary}" for summary in self.summaries]
        out += _finding_lines(self.findings)
        out.append("backups (newest first):" if self.backups else "backups: none yet")
        out += [f"  {info.line()}" for info in self.backups]
        out += self._advice()
        out.append("healthy" if self.healthy else f"{plural(sum(f.serious for f in self.findings), 'problem')} found")
        return out


    def _advice(self) -> list[str]:
        damaged = {f.file for f in self.findings if f.serious}
        advice = []
        if paths.ANNOTATIONS in damaged and self.backups:
            advice.append("restore the annotations with: papershelf doctor --restore NAME")
        for name in (paths.CATALOGUE, paths.ABSTRACTS):
            if name in damaged:
                advice.append(f"{name} has no backups: move it aside and import your pages again "
                              "(annotations re-attach to papers by title)")  # fmt: skip
        return advice


def _finding_lines(findings: tuple[Finding, ...]) -> list[str]:
    out: list[str] = []
    for name, group in _by_file(findings).items():
        for finding in group[:SHOWN_PER_FILE]:
            out.append(f"  {'problem' if finding.serious else 'warning'}  {name}: {finding.message}")
        if len(group) > SHOWN_PER_FILE:
            out.append(f"  ...      {name}: {len(group) - SHOWN_PER_FILE} more like these")
    return out


def _by_file(findings: tuple[Finding, ...]) -> dict[str, list[Finding]]:
    grouped: dict[str, list[Finding]] = {}
    for finding in findings:
        grouped.setdefault(finding.file, []).append(finding)
    return grouped


# --- the check --------------------------------------------------------------------------


def check(directory: str | Path) -> Report:
    """Everything that is wrong with the library in `directory` (which may be damaged)."""
    folder = Path(directory)
    if not folder.is_dir():
        problem = "is not a directory" if folder.exists() else "does not exist (no library here)"
        return Report(folder, (Finding(str(folder), problem),), (), ())
    catalogue = _checked_file(folder / paths.CATALOGUE, check_catalogue)
    ids = catalogue.ids if catalogue.readable else None
    annotations = _checked_file(folder / paths.ANNOTATIONS, lambda data: check_annotations(data, ids))
    abstracts = _checked_file(folder / paths.ABSTRACTS, lambda data: check_abstracts(data, ids))
    repository, synced = _repository(folder)
    findings = [*catalogue.findings, *annotations.findings, *abstracts.findings, *_leftover_temp_files(folder), *repository]
    summaries = {paths.CATALOGUE: f"{paths.CATALOGUE}: {plural(len(catalogue.ids), 'paper')}",
                 paths.ANNOTATIONS: f"{paths.ANNOTATIONS}: {plural(annotations.annotated, 'annotated paper')}",
                 paths.ABSTRACTS: f"{paths.ABSTRACTS}: {plural(len(abstracts.ids), 'abstract')}"}  # fmt: skip
    unhealthy = {f.file for f in findings if f.serious}
    fine = [line for name, line in summaries.items() if name not in unhealthy]
    return Report(folder, tuple(findings), tuple(fine + synced), tuple(list_backups(folder)))


def _repository(folder: Path) -> tuple[list[Finding], list[str]]:
    """What is wrong with the sync repository (storage/sync/status.py), and its summary line."""
    from storage.sync.status import repository_status

    status = repository_status(folder)
    if status is None:
        return [], []
    findings = [Finding(".git", problem) for problem in status.problems]
    findings += [Finding(".git", warning, serious=False) for warning in status.warnings]
    return findings, ([] if status.problems else [f"sync: {status.summary()}"])


def _checked_file(path: Path, checker: Callable[[dict[str, Any]], _Checked]) -> _Checked:
    data, problems = read_tables(path)
    if data is None:
        return _Checked([Finding(path.name, problem) for problem in problems], set(), readable=False)
    return checker(data)


def read_tables(path: Path) -> tuple[dict[str, Any] | None, list[str]]:
    """The file's tables, or None and what is wrong. A missing file is an empty one."""
    if not path.exists() and not path.is_symlink():
        data: dict[str, Any] = {}
        return data, (replay_onto(data, path) if path.name == paths.ANNOTATIONS else [])
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [f"cannot be read ({exc.strerror or exc})"]
    data, problems = parse_tables(raw)
    if data is not None and path.name == paths.ANNOTATIONS:
        problems = replay_onto(data, path)
    return (None if problems else data), problems


def parse_tables(raw: bytes) -> tuple[dict[str, Any] | None, list[str]]:
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        return None, [f"not valid JSON ({exc})"]
    if not isinstance(data, dict) or not all(isinstance(table, dict) for table in data.values()):
        return None, ["not a papershelf library file (expected a JSON object of tables)"]
    return data, []


@dataclass(frozen=True, slots=True)
class _Checked:
    findings: list[Finding]
    ids: set[str]
    annotated: int = 0
    readable: bool = True


def _schema_findings(name: str, data: dict[str, Any]) -> list[Finding]:
    found = [Finding(name, f"unexpected table {table!r} (ignored by papershelf)", serious=False)
             for table in data if table not in EXPECTED_TABLES[name]]  # fmt: skip
    version = schema_version(data)
    if version is None:
        found.append(Finding(name, f"meta: expected a schema version number, found {data.get(META)!r}"))
    elif version > SCHEMA_VERSION:
        found.append(Finding(name, f"written by a newer papershelf (schema {version}); upgrade papershelf"))
    return found


def _type_problems(doc: Any, expected: dict[str, type]) -> list[str]:
    """What is wrong with the fields of one record (an object with a 12-hex-digit id)."""
    if not isinstance(doc, dict):
        return [f"expected an object, found {type(doc).__name__}"]
    pid = doc.get("id")
    problems = [] if isinstance(pid, str) and _ID.fullmatch(pid) else [f"id {pid!r} is not 12 hex digits"]
    for field, kind in expected.items():
        value = doc.get(field)
        if field in doc and (type(value) is not kind or (kind is list and not all(isinstance(v, str) for v in value))):
            problems.append(f"{field} should be {_KIND_NAMES[kind]}, found {type(value).__name__}")
    return problems


def _key_problems(key: str, pid: str) -> list[str]:
    return [] if key == str(doc_id(pid)) else [f"stored under key {key!r}, expected {str(doc_id(pid))!r} for its id"]


def check_catalogue(data: dict[str, Any]) -> _Checked:
    name = paths.CATALOGUE
    findings = _schema_findings(name, data)
    ids: set[str] = set()
    positions: Counter[int] = Counter()
    for key, doc in data.get(PAPERS, {}).items():
        problems = _type_problems(doc, PAPER_FIELDS)
        if not problems:
            problems = _key_problems(key, doc["id"]) + _title_problems(doc)
        findings += [Finding(name, f"papers record {key!r}: {p}") for p in problems]
        if not problems:
            ids.add(doc["id"])
            positions[doc.get("position", 0)] += 1
    findings += [Finding(name, f"{n} papers share position {pos}") for pos, n in positions.items() if n > 1]
    return _Checked(findings, ids)


def _title_problems(doc: dict[str, Any]) -> list[str]:
    title = doc.get("title")
    if not isinstance(title, str) or not title.strip():
        return ["title should be a non-empty string"]
    expected = paper_id(title)
    arxiv_id = doc.get("arxiv_id")
    if arxiv_id and doc["id"] in (paper_id(f"{title} arXiv:{arxiv_id}"), paper_id(placeholder_title(arxiv_id))):
        return []  # a second paper of the same title, or one first known by its id (storage/changes/merge.py)
    if expected != doc["id"]:
        return [f"id {doc['id']!r} does not match its title {title[:60]!r} (expected {expected!r})"]
    return []


def check_annotations(data: dict[str, Any], catalogue_ids: set[str] | None) -> _Checked:
    """Shelves well-formed, one per paper; with `catalogue_ids`, orphans are reported too."""
    name = paths.ANNOTATIONS
    findings = _schema_findings(name, data)
    settings = data.get(SETTINGS, {})
    if any(not isinstance(value, dict) for value in settings.values()):
        findings.append(Finding(name, "settings: expected an object of settings"))
    seen: set[str] = set()
    annotated = 0
    for key, doc in data.get(SHELVES, {}).items():
        problems = _type_problems(doc, SHELF_FIELDS)
        problems = problems or _key_problems(key, doc["id"])
        findings += [Finding(name, f"shelves record {key!r}: {p}") for p in problems]
        if problems:
            continue
        seen.add(doc["id"])
        annotated += not Shelf.from_doc(doc).is_blank
        if catalogue_ids is not None and doc["id"] not in catalogue_ids:
            findings.append(Finding(name, f"annotation of paper {doc['id']} is orphaned (not in the catalogue)", False))
    return _Checked(findings, seen, annotated)


def check_abstracts(data: dict[str, Any], catalogue_ids: set[str] | None) -> _Checked:
    """Abstract records well-formed; with `catalogue_ids`, those of no paper are reported
    (harmless: left by an import that was killed before it wrote the catalogue)."""
    name = paths.ABSTRACTS
    findings = _schema_findings(name, data)
    seen: set[str] = set()
    for key, doc in data.get(ABSTRACTS, {}).items():
        problems = _type_problems(doc, ABSTRACT_FIELDS) or _key_problems(key, doc["id"])
        findings += [Finding(name, f"abstracts record {key!r}: {p}") for p in problems]
        if problems:
            continue
        seen.add(doc["id"])
        if catalogue_ids is not None and doc["id"] not in catalogue_ids:
            findings.append(Finding(name, f"abstract of paper {doc['id']} belongs to no paper in the catalogue", False))
    return _Checked(findings, seen)


def _leftover_temp_files(folder: Path) -> list[Finding]:
    return [Finding(str(p.relative_to(folder)), "leftover temp file of an interrupted write "
                    "(removed at the next start)", serious=False) for p in stray_temp_files(folder)]  # fmt: skip


# --- backups ----------------------------------------------------------------------------


def list_backups(folder: Path) -> list[BackupInfo]:
    """The library's backups, newest first, with what each holds."""
    return [describe_backup(path) for path in backups.list_backups(folder)]


def describe_backup(path: Path) -> BackupInfo:
    match = _BACKUP_NAME.fullmatch(path.name)
    taken = None
    if match:
        taken = datetime.strptime(match.group(1), "%Y%m%dT%H%M%S%f").replace(tzinfo=timezone.utc)
    reason = match.group(2) if match else "?"
    data, problems = read_tables(path)
    if data is None:
        return BackupInfo(path, taken, reason, None, problems[0])
    shelves = check_annotations(data, None)
    serious = [f.message for f in shelves.findings if f.serious]
    return BackupInfo(path, taken, reason, None if serious else shelves.annotated, serious[0] if serious else "")


# --- restoring --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Restored:
    source: Path  # the backup that is now the annotations file
    saved: Path | None  # where the replaced annotations file was kept (None: there was none)


def find_backup(folder: Path, name: str) -> Path:
    """A backup of this library by its file name, or by a path inside its backups folder."""
    backup_folder = backups.backup_dir(folder).resolve()
    given = Path(name).expanduser()
    candidates = [given] if given.is_absolute() else [backup_folder / given, Path.cwd() / given, folder / given]
    for candidate in candidates:
        if candidate.is_file():
            found = candidate.resolve()
            if found.parent != backup_folder:
                raise PapershelfError(f"{name}: not a backup of this library (backups live in {backup_folder})")
            return found
    raise PapershelfError(f"{name}: no such backup in {backup_folder}; `papershelf doctor` lists them")


def restore(directory: str | Path, name: str) -> Restored:
    """Make backup `name` the annotations file, keeping the current one (even if damaged)."""
    folder = Path(directory)
    if not folder.is_dir():
        raise PapershelfError(f"{folder}: no library here (not a directory)")
    source = find_backup(folder, name)
    data = _restorable_bytes(source)  # read first: taking the next backup may rotate this one out
    target = folder / paths.ANNOTATIONS
    with LibraryLock(folder / paths.LOCK):
        saved = backups.make_backup(target, "before-restore")
        try:
            discard(target)  # its changes are in the before-restore backup
            atomic_write_bytes(target, data)
        except OSError as exc:
            raise LibraryWriteError(f"{target}: could not restore ({exc.strerror or exc}); the file is unchanged") from exc
    return Restored(source, saved)


def _restorable_bytes(source: Path) -> bytes:
    try:
        raw = source.read_bytes()
    except OSError as exc:
        raise PapershelfError(f"{source}: cannot be read ({exc.strerror or exc}); nothing was changed") from None
    data, problems = parse_tables(raw)
    if data is not None:
        problems = [f.message for f in check_annotations(data, None).findings if f.serious]
    if problems:
        raise PapershelfError(f"{source}: cannot be restored: {problems[0]}; nothing was changed")
    return raw
