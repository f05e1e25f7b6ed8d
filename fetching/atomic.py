"""Replace a file in one step, so a reader never sees half of it.

Written under a temporary name in the file's own folder (a dot first, ``.tmp`` last, so
no page or part-file glob picks it up), flushed and fsynced, ``os.replace``d into place
(atomic on POSIX within one file system), then the folder fsynced so the rename survives
a power cut. Shared by the fetch (pages, sidecars) and the cleaning flow's writer (part
files, manifest): it lives here, below both, because ``fetching`` may not import
``flows``.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # some file systems do not let a folder be opened
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path: str | Path, data: bytes, *, sync_dir: bool = True) -> None:
    """Replace ``path`` with ``data`` in one step: before it, the old file or none; after,
    all. ``sync_dir=False`` leaves the folder's fsync to the caller (one for two files)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    if sync_dir:
        fsync_dir(path.parent)


def atomic_write_text(path: str | Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))
