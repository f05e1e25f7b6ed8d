"""Find the pages under a raw root, and the sidecar that travels with each.

A page is any file. Its type is not judged here: ``clean_page`` sniffs what the
name does not tell, and rejects what it cannot read, so an odd file shows up in
the rejects with a reason instead of silently vanishing. The only files that
are not pages are sidecars (``<page name>.meta.json``), which describe a page.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

SIDECAR_SUFFIX = ".meta.json"


@dataclass(frozen=True, slots=True)
class PageRef:
    """One page found on disk: where it is and what its location says about it."""

    path: str  # the file as found (absolute, not resolved: a symlink stays a symlink)
    source_path: str  # POSIX path relative to the raw root: the page's name in every output
    # (always valid UTF-8: bytes of a name that are not are written as \xNN escapes)
    sidecar: str | None  # the ``.meta.json`` beside it, if there is one
    folder_site: str | None  # the first folder under the raw root (raw/<site>/...), if any


def display_name(name: str) -> str:
    """A file name as valid Unicode, for records and the state.

    POSIX names are bytes; Python hands over the bytes that are not UTF-8 as lone
    surrogates, which no UTF-8 writer (JSONL, SQLite) accepts: one such name would
    fail its whole batch. They are shown as ``\\xNN`` escapes instead (``caf\\xe9.html``);
    the page itself is still opened by its real name (``PageRef.path``).
    """
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", "backslashreplace")


def is_sidecar(name: str) -> bool:
    """Sidecars carry metadata for the page of the same name; they are never pages."""
    return name.endswith(SIDECAR_SUFFIX) and len(name) > len(SIDECAR_SUFFIX)


def sidecar_name(page_name: str) -> str:
    return page_name + SIDECAR_SUFFIX


def _walk_files(root: Path, exclude: frozenset[tuple[int, int]]) -> Iterator[Path]:
    """Every file under ``root``, following directory symlinks but never into a loop.

    A directory is entered once per (device, inode), so a symlink that points
    back up the tree (or two links to the same folder) cannot make the walk
    endless or count a page twice. Real folders are walked before symlinked
    ones, so a page reachable both ways keeps its real path. Unreadable
    directories are skipped, as there is nothing in them to report by name.
    """
    seen: set[tuple[int, int]] = set(exclude)
    stack = [root]
    linked: list[Path] = []  # symlinked folders, entered once the real tree is done
    while stack or linked:
        folder = stack.pop() if stack else linked.pop(0)
        try:
            st = folder.stat()
        except OSError:
            continue
        key = (st.st_dev, st.st_ino)
        if key in seen:
            continue
        seen.add(key)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        subfolders = []
        for entry in entries:
            try:
                is_dir = entry.is_dir(follow_symlinks=True)
            except OSError:
                is_dir = False
            if is_dir:
                (linked if entry.is_symlink() else subfolders).append(Path(entry.path))
            else:
                # Files, symlinks to files and broken symlinks alike: a broken
                # link is passed on and becomes a reject that names it.
                yield Path(entry.path)
        stack.extend(reversed(subfolders))


def _dir_keys(paths: Iterable[Path]) -> frozenset[tuple[int, int]]:
    keys = set()
    for path in paths:
        try:
            st = path.stat()
        except OSError:
            continue
        keys.add((st.st_dev, st.st_ino))
    return frozenset(keys)


@dataclass(frozen=True, slots=True)
class Discovery:
    """What a walk of the raw root found."""

    pages: list[PageRef]
    orphan_sidecars: list[str]  # sidecars with no page beside them: their metadata goes nowhere


def discover(raw_root: str | Path, *, exclude: Iterable[str | Path] = ()) -> Discovery:
    """All pages under ``raw_root``, in a stable order (sorted by source path).

    ``exclude`` names folders never to enter: the output folder, when someone
    points ``--out`` inside ``--raw``, so Winnow never reads its own output.
    """
    root = Path(raw_root).absolute()
    if not root.is_dir():
        raise NotADirectoryError(f"raw folder {str(raw_root)!r} is not a directory")
    excluded = _dir_keys(Path(p).absolute() for p in exclude)
    files = list(_walk_files(root, excluded))
    names = {f.as_posix() for f in files}
    pages = []
    orphans = []
    for file in files:
        rel = file.relative_to(root)
        rel_name = display_name(rel.as_posix())
        if is_sidecar(file.name):
            if file.with_name(file.name[: -len(SIDECAR_SUFFIX)]).as_posix() not in names:
                orphans.append(rel_name)
            continue
        sidecar = file.with_name(sidecar_name(file.name))
        parts = rel.parts
        pages.append(
            PageRef(
                path=str(file),
                source_path=rel_name,
                sidecar=str(sidecar) if sidecar.as_posix() in names else None,
                folder_site=display_name(parts[0]) if len(parts) > 1 else None,
            )
        )
    pages.sort(key=lambda p: p.source_path)
    return Discovery(pages=pages, orphan_sidecars=sorted(orphans))
