"""fetching.atomic: the temporary file a reader and a restart must recognise, and the
mode of what is written. Durability (fsyncs) is in test_fetch_store.py and
test_writer.py."""

from __future__ import annotations

import os

import pytest

import fetching.atomic as atomic


def test_the_temporary_file_is_hidden_named_after_its_target_and_ends_in_tmp(tmp_path,
                                                                             monkeypatch):
    """``.<name>.<random>.tmp`` in the target's folder: no page glob takes it, and
    ``fetching.store.remove_leftovers`` finds it after a kill."""
    renamed = []
    real = os.replace

    def replace(src, dst):
        renamed.append(os.path.basename(src))
        real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", replace)
    atomic.atomic_write_text(tmp_path / "a.html", "é")
    [name] = renamed
    assert name.startswith(".a.html.") and name.endswith(".tmp")
    assert (tmp_path / "a.html").read_bytes() == "é".encode()


def test_a_written_file_is_readable_by_all_whatever_the_umask(tmp_path):
    previous = os.umask(0o077)  # mkstemp's own 0600 would otherwise stay
    try:
        atomic.atomic_write_bytes(tmp_path / "p.html", b"x")
    finally:
        os.umask(previous)
    assert (tmp_path / "p.html").stat().st_mode & 0o777 == 0o644


def test_a_failed_write_leaves_neither_its_temporary_file_nor_a_target(tmp_path, monkeypatch):
    def full(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", full)
    with pytest.raises(OSError, match="No space left"):
        atomic.atomic_write_bytes(tmp_path / "p.html", b"x")
    assert os.listdir(tmp_path) == []


def test_the_writes_own_error_is_raised_when_its_temporary_file_is_gone(tmp_path,
                                                                        monkeypatch):
    """A cleaner of leftovers (or a restart) took the temporary file before the failed
    rename's cleanup: the caller still sees the rename's error, not the cleanup's."""
    def lost(src, dst):
        os.unlink(src)
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(atomic.os, "replace", lost)
    with pytest.raises(OSError, match="Input/output error"):
        atomic.atomic_write_bytes(tmp_path / "p.html", b"x")
