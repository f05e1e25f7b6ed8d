"""The text path compiled by mypyc, used only when it was built from exactly these sources.

Text cleaning spends its time in the interpreter: many small rules, each cheap, over
every line of a page (the profile is flat, no function above 5%). mypyc compiles the
same modules, from their type hints, to C extensions, and the page runs about 1.2 times
as fast with the same records (``tests/test_native.py`` compares them with the pure
modules' records).

``make native`` (``tools/build_native.py``) builds them into ``build/native/``, outside
the source tree, with a manifest of the hashes of the package's sources at the build
(the compiled modules' own and those of the modules they import). The packages put that
folder ahead of their own on ``__path__`` only when every hash matches. An edited rule
therefore never runs as its stale compiled self: the pure module runs, and a warning
says to rebuild. ``WINNOW_NATIVE=0`` turns the compiled modules off.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import sysconfig
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
NATIVE_DIR = Path(os.environ.get("WINNOW_NATIVE_DIR") or PACKAGE_DIR.parent / "build" / "native")
MANIFEST = "manifest.json"
# the extension that holds the compiled code of every module; each module is a small shim
GROUP = "cleaners.native_core"
# The compile set: the modules a page spends its own time in (not in a C library). Not
# compiled: the rest of the HTML front end, whose time is lxml's, trafilatura's and
# readability's; those that run once a page (page, assemble); and limits, whose clock
# tests move at run time (compiled modules bind the functions they call when they are
# built, so patching them does not reach compiled callers). html.tree (the walk of every
# element into DOM blocks) and rules.html_rules lowercase through ``features.lower``:
# a bare str.lower() call compiles to a lowering that writes no final sigma
# (tests/test_fold.py).
MODULES = (
    "cleaners.words.features",
    "cleaners.words.keys",
    "cleaners.words.normalise",
    "cleaners.words.dates",
    "cleaners.decode.decoder",
    "cleaners.blocks",
    "cleaners.html.tree",
    "cleaners.text.columns",
    "cleaners.text.frontend",
    "cleaners.engine",
    "cleaners.rules.phrases",
    "cleaners.rules.line_rules",
    "cleaners.rules.block_rules",
    "cleaners.rules.boundary_rules",
    "cleaners.rules.html_rules",
)
_OFF = ("0", "false", "no", "off")


@dataclass(frozen=True, slots=True)
class Status:
    """Whether the compiled modules are in use, and why (not)."""

    active: bool
    reason: str
    stale: bool = False  # built, but from other sources: worth a warning


def source_path(module: str) -> Path:
    """The source file of a module of the compile set."""
    return PACKAGE_DIR.joinpath(*module.split(".")[1:]).with_suffix(".py")


def source_hashes() -> dict[str, str]:
    """sha256 of every source file of the package, by its path from the repository: the
    compiled modules' own, and those of the modules they import, whose types they were
    compiled against (a field a rule reads from ``PageContext``, say)."""
    return {path.relative_to(PACKAGE_DIR.parent).as_posix():
            hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(PACKAGE_DIR.rglob("*.py"))}


def ext_suffix() -> str:
    """The file suffix of this interpreter's extensions ("…cpython-311-x86_64-linux-gnu.so"):
    extensions built for another Python are not loaded."""
    return str(sysconfig.get_config_var("EXT_SUFFIX"))


def env_flag(name: str, default: bool) -> bool:
    """A yes/no environment variable (WINNOW_NATIVE, WINNOW_NATIVE_STRICT): unset or empty
    is ``default``; "0", "false", "no" and "off" are no; anything else is yes."""
    value = (os.environ.get(name) or "").strip().lower()
    return default if not value else value not in _OFF


def manifest(sources: dict[str, str], mypy: str) -> dict[str, object]:
    """What a build records (read back by ``read_status``): the sources it was built from,
    the interpreter's extension suffix, the compiler and the compile set."""
    return {"mypy": mypy, "ext_suffix": ext_suffix(), "modules": list(MODULES),
            "sources": sources}


def read_status(native_dir: Path, disabled: bool = False) -> Status:
    """Whether the build in ``native_dir`` can stand in for the sources now on disk."""
    if disabled:
        return Status(False, "turned off by WINNOW_NATIVE=0")
    path = native_dir / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Status(False, "not built (make native builds it)")
    except (OSError, ValueError) as exc:
        return Status(False, f"unreadable manifest {path}: {exc}")
    if not isinstance(manifest, dict) or manifest.get("ext_suffix") != ext_suffix():
        return Status(False, f"built for another Python ({path}); make native rebuilds it")
    built = manifest.get("sources")
    built = built if isinstance(built, dict) else {}
    now = source_hashes()
    changed = sorted(f for f in now.keys() | built.keys() if built.get(f) != now.get(f))
    if changed:
        shown = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3
                                          else "")
        return Status(False, f"stale: {shown} changed since the build "
                             "(make native rebuilds it)", stale=True)
    return Status(True, f"compiled by mypyc {manifest.get('mypy', '?')}")


@lru_cache(maxsize=1)
def status() -> Status:
    """This process's answer, asked once: every module must come from the same side."""
    return read_status(NATIVE_DIR, disabled=not env_flag("WINNOW_NATIVE", True))


def extend_path(path: list[str], *subpackage: str) -> None:
    """Put the compiled modules ahead of the sources on a package's ``__path__`` (called
    by ``cleaners`` and ``cleaners.rules`` before they import a module of the set)."""
    state = status()
    if state.active:
        path.insert(0, str(NATIVE_DIR.joinpath("cleaners", *subpackage)))
    elif state.stale and not subpackage:  # said once, by the top package
        warnings.warn(f"winnow: running the pure-Python text path, the compiled one is "
                      f"{state.reason}", RuntimeWarning, stacklevel=2)


def not_from_build() -> list[str]:
    """The modules of the set that were imported from anywhere but ``NATIVE_DIR``: none
    where the build is in use (a wrong layout would fall back to the sources silently)."""
    import importlib

    return [m for m in MODULES
            if not (importlib.import_module(m).__file__ or "").startswith(str(NATIVE_DIR))]


def docstring(fn: Callable[..., object]) -> str:
    """A function's docstring: compiled functions keep none at run time, so for them it
    is read from the source (the rule registry keeps each rule's as its description)."""
    if fn.__doc__:
        return fn.__doc__
    module = getattr(fn, "__module__", "")
    return _docstrings(module).get(fn.__name__, "") if module in MODULES else ""


@cache
def _docstrings(module: str) -> dict[str, str]:
    tree = ast.parse(source_path(module).read_text(encoding="utf-8"))
    return {node.name: ast.get_docstring(node, clean=False) or "" for node in tree.body
            if isinstance(node, ast.FunctionDef)}
