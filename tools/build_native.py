"""Build the compiled text path into build/native/ (``make native``; see cleaners/native.py).

mypyc type-checks the modules of ``cleaners.native.MODULES`` and compiles them in a
scratch folder; the extensions and a manifest of the sources' hashes then replace
build/native/ whole. Nothing is done when the manifest already matches the sources.

A failed build leaves no extension behind, and Winnow runs the pure modules: slower,
same records. Without ``--strict`` (a machine with no C compiler) that is a warning;
with it (CI: WINNOW_NATIVE_STRICT=1) a failure, so what CI tests is what runs.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _load_native():  # type: ignore[no-untyped-def]
    """cleaners/native.py on its own: importing the package would load its modules (and
    the build being replaced) for nothing."""
    spec = importlib.util.spec_from_file_location("winnow_native", ROOT / "cleaners" / "native.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


native = _load_native()


def compile_into(lib: Path, scratch: Path) -> None:
    """mypyc + setuptools' build_ext: the extensions, laid out as packages, under ``lib``."""
    from mypyc.build import mypycify
    from setuptools import Distribution

    paths = [str(native.source_path(m).relative_to(ROOT)) for m in native.MODULES]
    # only the compiled modules must type-check: the ones they import are read, not judged
    options = ["--follow-imports=silent", "--ignore-missing-imports",
               f"--cache-dir={scratch / 'mypy-cache'}"]
    here = os.getcwd()
    os.chdir(ROOT)  # mypy names modules by their paths from here
    try:
        extensions = mypycify(options + paths, group_name=native.GROUP,
                              target_dir=str(scratch / "c"))
        dist = Distribution({"name": "winnow-native", "ext_modules": extensions})
        command = dist.get_command_obj("build_ext")
        command.build_lib = str(lib)  # type: ignore[attr-defined]
        command.build_temp = str(scratch / "obj")  # type: ignore[attr-defined]
        dist.run_command("build_ext")
    finally:
        os.chdir(here)


def verify(target: Path) -> None:
    """Import the fresh build in a new interpreter: every module of the set must load
    from it (a wrong layout would fall back to the sources without a word), and the
    sample pages in raw/ must clean."""
    probe = ("from cleaners import native\n"
             "assert native.status().active, native.status().reason\n"
             "assert not native.not_from_build(), native.not_from_build()\n"
             "import cleaners, pathlib\n"
             "for p in sorted(pathlib.Path('raw').glob('*.txt')):\n"
             "    cleaners.clean_page(p.read_bytes(), input_format='text')\n")
    env = {**os.environ, "WINNOW_NATIVE_DIR": str(target), "WINNOW_NATIVE": "1"}
    subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, check=True)


def staged(target: Path) -> Path:
    """Where a build is made before it replaces ``target`` whole."""
    return target.with_name(target.name + ".new")


def build(target: Path) -> None:
    hashes = native.source_hashes()  # before compiling: an edit during the build is stale
    import mypy.version

    with tempfile.TemporaryDirectory(prefix="winnow-native-") as tmp:
        scratch = Path(tmp)
        compile_into(scratch / "lib", scratch)
        new = staged(target)
        shutil.rmtree(new, ignore_errors=True)
        for so in (scratch / "lib").rglob(f"*{native.ext_suffix()}"):
            dest = new / so.relative_to(scratch / "lib")
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(so, dest)
        manifest = native.manifest(hashes, mypy.version.__version__)
        (new / native.MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n",
                                           encoding="utf-8")
        verify(new)
        shutil.rmtree(target, ignore_errors=True)
        new.rename(target)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--strict", action="store_true",
                    default=native.env_flag("WINNOW_NATIVE_STRICT", False),
                    help="fail when the build fails (default: WINNOW_NATIVE_STRICT)")
    ap.add_argument("--force", action="store_true", help="build even when up to date")
    args = ap.parse_args(argv)
    target = native.NATIVE_DIR
    state = native.read_status(target)
    if state.active and not args.force:
        print(f"build_native: up to date ({target})")
        return 0
    print(f"build_native: building {len(native.MODULES)} modules into {target} "
          f"({state.reason})", flush=True)
    try:
        build(target)
    except (Exception, SystemExit) as exc:  # mypyc reports type errors by SystemExit
        for folder in (target, staged(target)):
            shutil.rmtree(folder, ignore_errors=True)  # no half build, no stale one
        print(f"build_native: FAILED ({exc!r}); Winnow runs the pure-Python text path",
              file=sys.stderr)
        return 1 if args.strict else 0
    print(f"build_native: done ({native.read_status(target).reason})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
