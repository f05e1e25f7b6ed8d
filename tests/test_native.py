"""The compiled text path (cleaners/native.py): used only when built from the sources on
disk, and giving what the pure modules give."""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from helpers.parity import outcomes

from cleaners import native
from cleaners.rules import REGISTRY

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
DEV = REPO.parent / "shared" / "dev"
STATE = native.status()
needs_native = pytest.mark.skipif(not STATE.active,
                                  reason=f"the compiled text path is not in use: {STATE.reason}")


def write_manifest(folder: Path, **changes: object) -> Path:
    manifest = {**native.manifest(native.source_hashes(), "test"), **changes}
    folder.mkdir(parents=True, exist_ok=True)
    (folder / native.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def test_a_build_from_these_sources_for_this_python_is_used(tmp_path):
    state = native.read_status(write_manifest(tmp_path))
    assert state.active and not state.stale


def test_a_build_from_an_edited_source_is_stale_and_names_the_file(tmp_path):
    hashes = native.source_hashes()
    hashes["cleaners/engine.py"] = "0" * 64
    state = native.read_status(write_manifest(tmp_path, sources=hashes))
    assert not state.active and state.stale
    assert "cleaners/engine.py" in state.reason and "cleaners/blocks.py" not in state.reason


def test_an_edit_to_a_module_the_compiled_ones_import_makes_the_build_stale(tmp_path):
    """The compiled rules were built against rules/base.py's PageContext: it is hashed too."""
    hashes = native.source_hashes()
    assert "cleaners/rules/base.py" in hashes and "cleaners/limits.py" in hashes
    hashes["cleaners/rules/base.py"] = "0" * 64
    state = native.read_status(write_manifest(tmp_path, sources=hashes))
    assert not state.active and "cleaners/rules/base.py" in state.reason


@pytest.mark.parametrize("change", ["added since", "deleted since"])
def test_a_module_added_or_deleted_since_the_build_makes_it_stale(tmp_path, change):
    hashes = native.source_hashes()
    if change == "added since":
        del hashes["cleaners/rules/line_rules.py"]
    else:
        hashes["cleaners/rules/old_rules.py"] = "0" * 64
    state = native.read_status(write_manifest(tmp_path, sources=hashes))
    assert not state.active and state.stale
    assert ("line_rules.py" if change == "added since" else "old_rules.py") in state.reason


@pytest.mark.parametrize("folder_state, reason", [
    ("missing", "not built"),
    ("other python", "another Python"),
    ("garbage", "unreadable manifest"),
    ("not an object", "another Python"),
])
def test_no_usable_build_means_the_pure_modules(tmp_path, folder_state, reason):
    if folder_state == "other python":
        write_manifest(tmp_path, ext_suffix=".cpython-39-x86_64-linux-gnu.so")
    elif folder_state == "garbage":
        (tmp_path / native.MANIFEST).write_text("{not json", encoding="utf-8")
    elif folder_state == "not an object":
        (tmp_path / native.MANIFEST).write_text("[]", encoding="utf-8")
    state = native.read_status(tmp_path)
    assert not state.active and not state.stale and reason in state.reason


@pytest.mark.parametrize("value, default, expected", [
    (None, True, True), (None, False, False), ("1", False, True), ("yes", False, True),
    ("0", True, False), ("false", True, False), (" Off ", True, False), ("", True, True),
    ("", False, False),
])
def test_a_switch_is_read_one_way_for_every_variable(monkeypatch, value, default, expected):
    if value is None:
        monkeypatch.delenv("WINNOW_TEST_SWITCH", raising=False)
    else:
        monkeypatch.setenv("WINNOW_TEST_SWITCH", value)
    assert native.env_flag("WINNOW_TEST_SWITCH", default) is expected


def test_turned_off_wins_over_a_fresh_build(tmp_path):
    state = native.read_status(write_manifest(tmp_path), disabled=True)
    assert not state.active and "WINNOW_NATIVE=0" in state.reason


def test_only_a_fresh_build_goes_on_the_package_path(monkeypatch):
    monkeypatch.setattr(native, "status", lambda: native.Status(True, "fresh"))
    path = ["/src/cleaners/rules"]
    native.extend_path(path, "rules")
    assert path == [str(native.NATIVE_DIR / "cleaners" / "rules"), "/src/cleaners/rules"]

    monkeypatch.setattr(native, "status",
                        lambda: native.Status(False, "stale: cleaners.engine changed", True))
    path = ["/src/cleaners"]
    with pytest.warns(RuntimeWarning, match="stale: cleaners.engine"):
        native.extend_path(path)
    assert path == ["/src/cleaners"]

    monkeypatch.setattr(native, "status", lambda: native.Status(False, "not built"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing was built: nothing to warn about
        native.extend_path(path)
    assert path == ["/src/cleaners"]


def test_every_rule_has_its_description():
    """Compiled functions keep no docstring; the registry reads it from the source."""
    undocumented = [r.name for r in REGISTRY.values() if not r.doc]
    assert not undocumented
    assert native.docstring(REGISTRY["headline_list"].fn).strip().startswith(
        REGISTRY["headline_list"].doc[:20])


def load_builder():
    spec = importlib.util.spec_from_file_location("build_native", REPO / "tools" /
                                                  "build_native.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("strict", [False, True])
def test_a_failed_build_leaves_no_build_and_fails_only_when_strict(tmp_path, monkeypatch,
                                                                  strict, capsys):
    monkeypatch.delenv("WINNOW_NATIVE_STRICT", raising=False)  # CI sets it: --strict decides
    builder = load_builder()
    target = write_manifest(tmp_path / "native", sources={})  # stale: gets rebuilt
    (target.with_name("native.new")).mkdir()  # what a build that died half way leaves

    def type_error(_target):
        raise SystemExit("cleaners/engine.py:61: error: Argument 1 has incompatible type")

    monkeypatch.setattr(builder.native, "NATIVE_DIR", target)
    monkeypatch.setattr(builder, "build", type_error)
    assert builder.main(["--strict"] if strict else []) == (1 if strict else 0)
    assert not target.exists() and not target.with_name("native.new").exists()
    assert "FAILED" in capsys.readouterr().err


def test_a_fresh_build_is_not_rebuilt(tmp_path, monkeypatch):
    builder = load_builder()
    monkeypatch.setattr(builder.native, "NATIVE_DIR", write_manifest(tmp_path))
    monkeypatch.setattr(builder, "build", lambda _target: pytest.fail("rebuilt"))
    assert builder.main([]) == 0


def test_ci_tests_the_compiled_path():
    if not native.env_flag("WINNOW_NATIVE_STRICT", False):
        pytest.skip("WINNOW_NATIVE_STRICT is not set (CI sets it)")
    assert STATE.active, STATE.reason


@needs_native
def test_every_module_of_the_set_is_the_compiled_one():
    assert not native.not_from_build()
    for name in native.MODULES:
        assert (importlib.import_module(name).__file__ or "").endswith(native.ext_suffix())


def dev_pages() -> list[Path]:
    """The dev pages the parity test runs: every page of every set with WINNOW_PARITY=all
    (``make parity``, which CI runs), else every 8th page of each set so that ``make test``
    stays fast; none where ../shared is absent, which WINNOW_NO_SKIPS=1 (CI) refuses."""
    sets = sorted(p for p in DEV.glob("*/html") if p.is_dir())
    if not sets and os.environ.get("WINNOW_NO_SKIPS") == "1":
        pytest.fail(f"no dev pages under {DEV}: CI compares the builds on them")
    stride = 1 if os.environ.get("WINNOW_PARITY") == "all" else 8
    return [page for folder in sets for page in sorted(folder.glob("*.html"))[::stride]]


@needs_native
def test_compiled_and_pure_modules_give_the_same_records_and_every_line_the_same_rule():
    # fixtures/text holds a Greek headline in capitals: the builds once lowered it apart
    pages = sorted((FIXTURES / "seeds").glob("*.txt")) + sorted((FIXTURES / "html").glob(
        "*.html")) + sorted((FIXTURES / "text").glob("*.txt"))
    pages += dev_pages()
    child = subprocess.run(
        [sys.executable, str(Path(__file__).parent / "helpers" / "parity.py"),
         *map(str, pages)],
        cwd=REPO, env={**os.environ, "WINNOW_NATIVE": "0"}, capture_output=True, text=True,
        timeout=600, check=True)
    pure = json.loads(child.stdout)
    compiled = json.loads(json.dumps(outcomes(pages)))  # as the child's: tuples are lists
    assert pure.pop("_native") is False and compiled.pop("_native") is True
    assert len(compiled) == len(pages)
    differ = [p for p in compiled if compiled[p] != pure[p]]
    assert not differ, differ[:5]
