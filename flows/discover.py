"""Find the pages under a raw root, and the sidecar that travels with each.

A page is any file. Its type is not judged here: ``clean_page`` sniffs what the
name does not tell, and rejects what it cannot read, so an odd file shows up in
the rejects with a reason instead of silently vanishing. The only files that
are not pages are sidecars (``<page name>.meta.json``), which describe a page, and
the temporary files ``winnow fetch`` writes under before renaming them
(``.<name>.XXXXXXXX.tmp``: half a page until the rename).

The walk also stats every file it finds (``FileStat``): the one look at a file a run
takes before deciding whether to read it. A page whose file and sidecar still have the
stats they had when the state last read them is skipped unread (``flows.state``).
"""

from __future__ import annotations

import os
import re
import stat
import struct
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

SIDECAR_SUFFIX = ".meta.json"
# A file changed less than this long before it was read may change again within the same
# timestamp tick without its stat showing it (git's "racy clean" case): its stat is not
# trusted to stand for its content. 2 s covers the coarsest timestamps in use (FAT's).
SETTLE_NS = 2_000_000_000


@dataclass(frozen=True, slots=True)
class FileStat:
    """What ``stat`` said of a file: enough to tell, like git and rsync do, that it was
    not written since. ``ctime`` is there because nothing can set it back: a rewrite that
    keeps the size and restores the mtime (``touch -d``, ``cp -p``) still changes it."""

    size: int
    mtime_ns: int
    ctime_ns: int
    ino: int
    regular: bool

    @classmethod
    def of(cls, st: os.stat_result) -> FileStat:
        return cls(st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino,
                   stat.S_ISREG(st.st_mode))

    @property
    def signature(self) -> str:
        """The stat as the state stores it."""
        return f"{self.size}:{self.mtime_ns}:{self.ctime_ns}:{self.ino}"

    def settled(self, now_ns: int) -> bool:
        """Whether a read at ``now_ns`` saw content the stat can stand for: the file was
        last changed at least ``SETTLE_NS`` before (a future timestamp never is)."""
        return now_ns - max(self.mtime_ns, self.ctime_ns) >= SETTLE_NS


@dataclass(frozen=True, slots=True)
class WarcSpot:
    """Where a page inside a WARC file is, and what the WARC said of it (``flows.warc``):
    what a sidecar says of a page file. Small and picklable: a worker reads the record by
    seeking to ``offset``, never receiving the WARC file."""

    offset: int  # where the record's gzip member (or, uncompressed, the record) starts
    record_id: str  # WARC-Record-ID, which the record read there must carry
    url: str | None = None  # WARC-Target-URI
    fetched_at: str | None = None  # WARC-Date, ISO 8601
    encoding: str | None = None  # the charset of the HTTP Content-Type header, if any
    problem: str | None = None  # the record could not be read whole when found: why
    whole: bool = False  # in a .warc.gz gzipped as a whole (one member): no offset to seek


_STAT = struct.Struct("<qqqQ?")  # a FileStat packed: size, mtime_ns, ctime_ns, ino, regular


def _pack(st: FileStat | None) -> bytes | None:
    return None if st is None else _STAT.pack(st.size, st.mtime_ns, st.ctime_ns, st.ino,
                                              st.regular)


def _unpack(packed: bytes | None) -> FileStat | None:
    return None if packed is None else FileStat(*_STAT.unpack(packed))


class PageRef:
    """One page found on disk: where it is and what its location says about it.

    Fields (the constructor's, in order): ``path``, the file as found (absolute, not
    resolved: a symlink stays a symlink); ``source_path``, the POSIX path relative to the
    raw root, the page's name in every output (always valid UTF-8: bytes of a name that
    are not are written as \\xNN escapes); ``sidecar``, the ``.meta.json`` beside it, if
    there is one; ``folder_site``, the first folder under the raw root (raw/<site>/...),
    if any; ``stat`` and ``sidecar_stat``, the page's and the sidecar's stats at discovery
    (None: they could not be had); ``warc``, the page's record when ``path`` is a WARC file
    (``source_path`` is then ``<file>#<record id>`` and ``stat`` the WARC file's).

    Compact, because a run's plan holds one for every page of the archive (926 bytes a
    page as a dataclass, ~90 MiB of the flow process at 100,000 pages, #21 point 5): the
    source path is kept as where it starts in ``path`` when it is its tail, the sidecar
    as a flag when it is ``path`` + ``.meta.json``, the stats packed in 33 bytes each.
    Immutable, compared and hashed by its fields, pickled by them, like the frozen
    dataclass it replaces.
    """

    __slots__ = ("path", "_source", "_sidecar", "folder_site", "_stat", "_sidecar_stat",
                 "warc")

    def __init__(self, path: str, source_path: str, sidecar: str | None,
                 folder_site: str | None, stat: FileStat | None = None,
                 sidecar_stat: FileStat | None = None, warc: WarcSpot | None = None) -> None:
        tail = len(path) - len(source_path)
        source: str | int = tail if tail > 0 and path.endswith("/" + source_path) else source_path
        side: str | bool | None = (True if sidecar is not None and sidecar == path + SIDECAR_SUFFIX
                                   else sidecar)
        for name, value in (("path", path), ("_source", source), ("_sidecar", side),
                            ("folder_site", folder_site), ("_stat", _pack(stat)),
                            ("_sidecar_stat", _pack(sidecar_stat)), ("warc", warc)):
            object.__setattr__(self, name, value)

    @property
    def source_path(self) -> str:
        source = self._source
        return self.path[source:] if isinstance(source, int) else source

    @property
    def sidecar(self) -> str | None:
        side = self._sidecar
        return self.path + SIDECAR_SUFFIX if side is True else side

    @property
    def stat(self) -> FileStat | None:
        return _unpack(self._stat)

    @property
    def sidecar_stat(self) -> FileStat | None:
        return _unpack(self._sidecar_stat)

    def _fields(self) -> tuple[object, ...]:
        return (self.path, self.source_path, self.sidecar, self.folder_site, self.stat,
                self.sidecar_stat, self.warc)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"PageRef is immutable: cannot set {name!r}")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PageRef) and self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        names = ("path", "source_path", "sidecar", "folder_site", "stat", "sidecar_stat",
                 "warc")
        return "PageRef(" + ", ".join(f"{n}={v!r}" for n, v in zip(names, self._fields(),
                                                                    strict=True)) + ")"

    def __reduce__(self) -> tuple[type[PageRef], tuple[object, ...]]:
        return PageRef, self._fields()


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


def is_warc_name(name: str) -> bool:
    """A WARC file by its name (``flows.warc`` reads its records as pages)."""
    return name.lower().endswith((".warc", ".warc.gz"))


# The temporary name ``fetching.atomic`` writes under before its rename
# (``.<name>.<8 random characters>.tmp``): half a page or sidecar while ``winnow fetch``
# writes it, or a killed fetch's leftover (which the fetch removes when it restarts).
_WRITER_TEMP = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp$")


def is_writer_temp(name: str) -> bool:
    """Never a page: a cleaning run that starts mid-fetch must not read half a file."""
    return _WRITER_TEMP.match(name) is not None


def is_sidecar(name: str) -> bool:
    """Sidecars carry metadata for the page of the same name; they are never pages."""
    return name.endswith(SIDECAR_SUFFIX) and len(name) > len(SIDECAR_SUFFIX)


def sidecar_name(page_name: str) -> str:
    return page_name + SIDECAR_SUFFIX


def _stat(entry: os.DirEntry[str]) -> FileStat | None:
    """The entry's stat, following a symlink; None for a broken link or a stat error."""
    try:
        return FileStat.of(entry.stat(follow_symlinks=True))
    except OSError:
        return None


def _walk_folders(root: Path, exclude: frozenset[tuple[int, int]]
                  ) -> Iterator[list[tuple[str, str, FileStat | None]]]:
    """The files of each folder under ``root`` (name, path, stat), a folder at a time,
    following directory symlinks but never into a loop.

    A directory is entered once per (device, inode), so a symlink that points
    back up the tree (or two links to the same folder) cannot make the walk
    endless or count a page twice. Real folders are walked before symlinked
    ones, so a page reachable both ways keeps its real path. Unreadable
    directories are skipped, as there is nothing in them to report by name.
    A folder at a time: a page's sidecar is beside it, so the walk never holds
    more than one folder's names (an archive of 100,000 pages held all 200,000).
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
        subfolders, files = [], []
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
                files.append((entry.name, entry.path, _stat(entry)))
        yield files
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


def _folder_pages(files: list[tuple[str, str, FileStat | None]], prefix: int,
                  pages: list[PageRef], orphans: list[str]) -> None:
    """One folder's pages (each with its sidecar, when one is beside it) added to
    ``pages``, and its sidecars with no page beside them to ``orphans``."""
    stats = {name: (path, st) for name, path, st in files}
    for name, path, st in files:
        rel = path[prefix:]
        rel_name = display_name(rel)
        if is_writer_temp(name):
            continue
        if is_sidecar(name):
            if name[: -len(SIDECAR_SUFFIX)] not in stats:
                orphans.append(rel_name)
            continue
        sidecar_path, sidecar_stat = stats.get(sidecar_name(name), (None, None))
        first, _, rest = rel.partition("/")
        pages.append(
            PageRef(
                path=path,
                source_path=rel_name,
                sidecar=sidecar_path,
                # one string per site, not per page: the list holds the whole archive
                folder_site=sys.intern(display_name(first)) if rest else None,
                stat=st,
                sidecar_stat=sidecar_stat,
            )
        )


def discover(raw_root: str | Path, *, exclude: Iterable[str | Path] = ()) -> Discovery:
    """All pages under ``raw_root``, in a stable order (sorted by source path).

    ``exclude`` names folders never to enter: the output folder, when someone
    points ``--out`` inside ``--raw``, so Winnow never reads its own output.
    ``raw_root`` may also be a single WARC file: it is then the one page found (a run
    reads its records as the pages, ``flows.warc``).
    """
    root = Path(raw_root).absolute()
    if root.is_file() and is_warc_name(root.name):  # --raw crawl.warc.gz: one WARC file
        st = FileStat.of(root.stat())
        name = display_name(root.name)
        return Discovery(pages=[PageRef(str(root), name, None, None, st)], orphan_sidecars=[])
    if not root.is_dir():
        raise NotADirectoryError(f"raw folder {str(raw_root)!r} is not a directory")
    excluded = _dir_keys(Path(p).absolute() for p in exclude)
    prefix = len(str(root).rstrip("/")) + 1  # a path under root, less root and its "/"
    pages: list[PageRef] = []
    orphans: list[str] = []
    for files in _walk_folders(root, excluded):
        _folder_pages(files, prefix, pages, orphans)
    pages.sort(key=lambda p: p.source_path)
    return Discovery(pages=pages, orphan_sidecars=sorted(orphans))
