"""Part files and the manifest: UTF-8 without escapes, one object a line, and never a
half-written file where a reader can see it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest

from flows.writer import (
    MANIFEST_NAME,
    atomic_write_bytes,
    json_line,
    read_manifest,
    sweep_unlisted,
    write_batch,
    write_manifest,
    write_part,
)
from schemas.models import SCHEMA_VERSION, RejectRecord

REPO = Path(__file__).resolve().parent.parent


def reject(path: str, detail: str = "пустая страница") -> RejectRecord:
    return RejectRecord(
        source_path=path,
        raw_sha256="0" * 64,
        reason="empty",
        detail=detail,
        processed_at=datetime(2025, 1, 1, tzinfo=UTC),
        pipeline_version="test",
    )


def test_part_file_is_utf8_jsonl_without_ascii_escapes(tmp_path):
    info = write_part(tmp_path, "rejects", "run1", 3, [reject("a.txt"), reject("б.txt")])
    path = tmp_path / "rejects" / "run1" / "part-00003.jsonl"
    assert info is not None and info.path == "rejects/run1/part-00003.jsonl"
    data = path.read_bytes()
    assert "пустая страница".encode() in data  # Cyrillic stays literal
    assert b"\\u04" not in data
    lines = data.decode("utf-8").split("\n")
    assert lines[-1] == ""  # the file ends with a newline
    objects = [json.loads(line) for line in lines[:-1]]
    assert [o["source_path"] for o in objects] == ["a.txt", "б.txt"]
    assert info.records == 2 and info.bytes == len(data)


def test_no_records_no_file(tmp_path):
    assert write_part(tmp_path, "articles", "run1", 0, []) is None
    assert not (tmp_path / "articles").exists()


def test_line_separators_inside_text_do_not_split_the_line():
    text = "one\u2028two\u2029three\x85four"
    line = json_line({"text": text})
    assert len(line.splitlines()) == 1
    assert json.loads(line)["text"] == text


def test_written_under_a_temporary_name_in_the_same_folder_then_renamed(tmp_path, monkeypatch):
    seen = []
    real_replace = os.replace

    def spy(src, dst):
        src, dst = Path(src), Path(dst)
        # at the moment of the rename the data is complete under the temporary name
        seen.append((src, dst, src.read_bytes(), dst.exists()))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    write_part(tmp_path, "rejects", "run1", 0, [reject("a.txt")])
    [(src, dst, data, existed)] = seen
    assert src.parent == dst.parent
    assert src.name.startswith(".") and not src.name.endswith(".jsonl")
    assert dst.name == "part-00000.jsonl" and not existed
    assert data == dst.read_bytes() and data.endswith(b"\n")
    assert list(dst.parent.iterdir()) == [dst]  # the temporary file is gone


def test_failed_rename_leaves_no_file_behind(tmp_path, monkeypatch):
    def broken(src, dst):
        raise OSError("disk went away")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        write_part(tmp_path, "rejects", "run1", 0, [reject("a.txt")])
    assert list((tmp_path / "rejects" / "run1").iterdir()) == []


CRASH = textwrap.dedent(
    """
    import os, sys
    from flows.writer import atomic_write_bytes
    def die(src, dst):
        os._exit(9)  # the process dies between writing and renaming: no cleanup runs
    os.replace = die
    atomic_write_bytes(sys.argv[1], b'{"new": 1}\\n' * 1000)
    """
)


def test_a_crash_before_the_rename_shows_readers_no_partial_file(tmp_path):
    folder = tmp_path / "articles" / "run1"
    old = folder / "part-00000.jsonl"
    atomic_write_bytes(old, b'{"old": 1}\n')
    new = folder / "part-00001.jsonl"
    for target in (old, new):  # overwrite an existing part, then write a new one
        proc = subprocess.run(
            [sys.executable, "-c", CRASH, str(target)], cwd=REPO, capture_output=True
        )
        assert proc.returncode == 9, proc.stderr.decode()
    visible = sorted(p.name for p in folder.glob("*.jsonl"))
    assert visible == ["part-00000.jsonl"]  # the new part never appeared
    assert old.read_bytes() == b'{"old": 1}\n'  # the old one is whole and unchanged
    leftovers = [p.name for p in folder.iterdir() if p.name.startswith(".")]
    assert len(leftovers) == 2  # the dead writers' temporary files: hidden, not *.jsonl


def test_manifest_lists_the_parts_it_is_given_in_order_with_counts(tmp_path):
    b = write_part(tmp_path, "articles", "run2", 0, [reject("d")])
    a = write_part(tmp_path, "articles", "run1", 0, [reject("a"), reject("b")])
    r = write_part(tmp_path, "rejects", "run1", 0, [reject("c")])
    write_part(tmp_path, "articles", "crashed", 0, [reject("e")])  # never committed
    manifest = write_manifest(tmp_path, [a, r, b], output_version=3)
    assert read_manifest(tmp_path) == manifest
    assert [p["path"] for p in manifest["parts"]] == [  # commit order, not name order
        "articles/run1/part-00000.jsonl", "rejects/run1/part-00000.jsonl",
        "articles/run2/part-00000.jsonl",
    ]
    parts = {p["path"]: p for p in manifest["parts"]}
    assert parts["articles/run1/part-00000.jsonl"]["records"] == 2
    assert parts["rejects/run1/part-00000.jsonl"]["records"] == 1
    assert {p["schema_version"] for p in parts.values()} == {SCHEMA_VERSION}
    assert manifest["totals"] == {"articles": 3, "rejects": 1}
    assert manifest["output_version"] == 3
    # nothing but the manifest itself sits at the top: it was renamed into place
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == [MANIFEST_NAME]


def test_sweep_removes_unlisted_parts_and_temp_files_of_known_runs_only(tmp_path):
    keep = write_part(tmp_path, "articles", "run1", 0, [reject("a")])
    write_part(tmp_path, "articles", "run1", 1, [reject("b")])  # the killed batch
    write_part(tmp_path, "rejects", "run1", 1, [reject("c")])
    (tmp_path / "articles" / "run1" / ".part-00002.jsonl.x1y2.tmp").write_text("{half")
    write_part(tmp_path, "articles", "stranger", 0, [reject("d")])  # not Winnow's state's
    (tmp_path / "articles" / "run1" / "notes.txt").write_text("mine")
    removed = sweep_unlisted(tmp_path, {"run1"}, {keep.path})
    assert sorted(removed) == [
        "articles/run1/.part-00002.jsonl.x1y2.tmp", "articles/run1/part-00001.jsonl",
        "rejects/run1/part-00001.jsonl",
    ]
    left = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert left == ["articles/run1/notes.txt", "articles/run1/part-00000.jsonl",
                    "articles/stranger/part-00000.jsonl"]
    assert not (tmp_path / "rejects" / "run1").exists()  # emptied, so removed


def test_a_batch_whose_second_file_fails_leaves_neither(tmp_path, monkeypatch):
    import flows.writer as writer

    real = writer.write_part

    def rejects_fail(out_root, kind, *args):
        if kind == "rejects":
            raise OSError(28, "No space left on device")
        return real(out_root, kind, *args)

    monkeypatch.setattr(writer, "write_part", rejects_fail)
    with pytest.raises(OSError):
        write_batch(tmp_path, "run1", 0, [reject("a")], [reject("b")])
    assert list(tmp_path.rglob("*.jsonl")) == []


def test_an_atomic_write_syncs_the_file_before_the_rename_and_the_folder_after(
        tmp_path, monkeypatch):
    """#23: dropping either fsync survived every test. A crash after the rename but before
    the data reached the disk leaves an empty file under the final name; one before the
    folder is synced can lose the rename itself."""
    import stat

    from flows import writer

    target = tmp_path / "out" / "part.jsonl"
    synced: list[tuple[str, int, bytes | None]] = []
    real_fsync = os.fsync

    def recording_fsync(fd: int) -> None:
        st = os.fstat(fd)
        kind = "dir" if stat.S_ISDIR(st.st_mode) else "file"
        now = target.read_bytes() if target.exists() else None
        synced.append((kind, st.st_ino, now))
        real_fsync(fd)

    from fetching import atomic  # where the writer's atomic write lives (shared with the fetch)

    monkeypatch.setattr(atomic.os, "fsync", recording_fsync)
    writer.atomic_write_bytes(target, b"one line\n")
    final_inode = target.stat().st_ino
    assert ("file", final_inode, None) in synced  # the data, before its name existed
    folder = target.parent.stat().st_ino
    assert ("dir", folder, b"one line\n") in synced  # the folder, once the rename was made


def test_the_manifest_on_disk_has_the_documented_fields_and_the_given_totals(tmp_path):
    """#23: the README documents every field consumers read; renaming one, dropping the
    totals the state gives, or a local time without its offset all passed before."""
    a = write_part(tmp_path, "articles", "20250101T120000Z-1a2b3c", 4, [reject("a"), reject("b")])
    before = datetime.now(UTC)
    write_manifest(tmp_path, [a], 2, {"articles": 1, "rejects": 0})  # a page cleaned twice
    on_disk = json.loads((tmp_path / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert set(on_disk) == {"schema_version", "output_version", "updated_at",
                            "current_record", "totals", "parts"}
    assert on_disk["schema_version"] == SCHEMA_VERSION
    assert on_disk["output_version"] == 2
    assert on_disk["current_record"] == "per source_path, the record in the last listed part"
    assert on_disk["totals"] == {"articles": 1, "rejects": 0}  # the state's, not the lines
    updated = datetime.fromisoformat(on_disk["updated_at"])
    assert updated.utcoffset() is not None and updated.utcoffset().total_seconds() == 0
    assert abs((updated - before).total_seconds()) < 60
    data = (tmp_path / a.path).read_bytes()
    assert on_disk["parts"] == [{
        "path": "articles/20250101T120000Z-1a2b3c/part-00004.jsonl", "kind": "articles",
        "run_id": "20250101T120000Z-1a2b3c", "records": 2, "bytes": len(data),
        "schema_version": SCHEMA_VERSION,
    }]


def test_a_manifest_that_is_not_an_object_reads_as_none(tmp_path):
    """A damaged manifest (valid JSON, wrong shape) is treated as absent, never handed on."""
    (tmp_path / MANIFEST_NAME).write_text('["articles/run1/part-00000.jsonl"]', encoding="utf-8")
    assert read_manifest(tmp_path) is None
    (tmp_path / MANIFEST_NAME).write_text("{half", encoding="utf-8")
    assert read_manifest(tmp_path) is None


def test_a_batch_puts_articles_and_rejects_in_their_own_folders(tmp_path):
    infos = write_batch(tmp_path, "run1", 3, [reject("a"), reject("b")], [reject("c")])
    assert [(i.path, i.kind, i.run_id, i.records) for i in infos] == [
        ("articles/run1/part-00003.jsonl", "articles", "run1", 2),
        ("rejects/run1/part-00003.jsonl", "rejects", "run1", 1),
    ]
    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.jsonl"))
    assert files == ["articles/run1/part-00003.jsonl", "rejects/run1/part-00003.jsonl"]


def test_a_failed_batch_reports_the_write_error_even_when_its_cleanup_fails(
        tmp_path, monkeypatch):
    """The caller must see the disk-full error, not an error from taking the first file away."""
    import flows.writer as writer

    real = writer.write_part

    def rejects_fail(out_root, kind, *args):
        if kind == "rejects":
            raise OSError(28, "No space left on device")
        info = real(out_root, kind, *args)
        (Path(out_root) / info.path).unlink()  # someone else already took it away
        return info

    monkeypatch.setattr(writer, "write_part", rejects_fail)
    with pytest.raises(OSError, match="No space left"):
        write_batch(tmp_path, "run1", 0, [reject("a")], [reject("b")])


def test_sweep_reaches_every_run_even_when_one_has_no_folder(tmp_path):
    keep = write_part(tmp_path, "articles", "run2", 0, [reject("a")])
    write_part(tmp_path, "articles", "run2", 1, [reject("b")])  # the killed batch
    removed = sweep_unlisted(tmp_path, {"run1", "run2"}, {keep.path})  # run1 wrote nothing
    assert removed == ["articles/run2/part-00001.jsonl"]


def test_sweep_goes_on_when_a_file_vanishes_under_it(tmp_path, monkeypatch):
    """Another process removing a stale part first must not stop the sweep half-way."""
    keep = write_part(tmp_path, "articles", "run1", 0, [reject("a")])
    write_part(tmp_path, "articles", "run1", 1, [reject("b")])
    write_part(tmp_path, "articles", "run1", 2, [reject("c")])
    real_unlink = Path.unlink

    def gone_first(self, missing_ok=False):
        if self.name == "part-00001.jsonl":
            real_unlink(self)
            raise FileNotFoundError(2, "No such file", str(self))
        return real_unlink(self, missing_ok)

    monkeypatch.setattr(Path, "unlink", gone_first)
    removed = sweep_unlisted(tmp_path, {"run1"}, {keep.path})
    assert removed == ["articles/run1/part-00001.jsonl", "articles/run1/part-00002.jsonl"]
    assert [p.name for p in (tmp_path / "articles" / "run1").iterdir()] == ["part-00000.jsonl"]


def test_parts_written_before_the_state_listed_them_are_counted_from_the_file(tmp_path):
    """An old output's part files are described by reading them: lines (blank ones not
    counted), bytes and the schema version of the first record."""
    from flows.writer import describe_part

    folder = tmp_path / "rejects" / "old"
    folder.mkdir(parents=True)
    path = folder / "part-00000.jsonl"
    path.write_bytes(b'{"schema_version":"0.9","a":1}\n\n{"schema_version":"1.0"}\n{"b":2}\n')
    info = describe_part(tmp_path, path, "rejects", "old")
    assert (info.path, info.kind, info.run_id, info.records, info.bytes, info.schema_version) == (
        "rejects/old/part-00000.jsonl", "rejects", "old", 3, path.stat().st_size, "0.9")
    # a first line without a version, or not an object, leaves the current version
    path.write_bytes(b'\n{"a":1}\n{"schema_version":"0.9"}\n')
    assert describe_part(tmp_path, path, "rejects", "old").schema_version == SCHEMA_VERSION
    assert describe_part(tmp_path, path, "rejects", "old").records == 2
    path.write_bytes(b'[1, 2]\n{"schema_version":"0.9"}\n')
    assert describe_part(tmp_path, path, "rejects", "old").schema_version == SCHEMA_VERSION
    path.write_bytes(b'{half\n')
    assert describe_part(tmp_path, path, "rejects", "old").schema_version == SCHEMA_VERSION
