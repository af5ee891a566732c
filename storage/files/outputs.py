"""Writing files the user asked for (exports): never over an existing file unless forced,
never into the library's own files, always atomically."""

from __future__ import annotations

from pathlib import Path

from storage.model.errors import PapershelfError
from storage.files.tinystore import atomic_write_bytes


def write_new_file(path: Path, text: str, force: bool = False, protect: Path | None = None) -> Path:
    target = path.expanduser().resolve()
    if protect is not None and target.is_relative_to(protect.resolve()):
        raise PapershelfError(f"{path}: is inside the library directory {protect}; choose another file")
    if target.is_dir():
        raise PapershelfError(f"{path}: is a directory; give a file name")
    if target.exists() and not force:
        raise PapershelfError(f"{path}: already exists; use --force to overwrite it")
    if not target.parent.is_dir():
        raise PapershelfError(f"{path}: the folder {target.parent} does not exist")
    try:
        atomic_write_bytes(target, text.encode("utf-8"))
    except OSError as exc:
        raise PapershelfError(f"{path}: could not write ({exc.strerror or exc})") from exc
    return target
