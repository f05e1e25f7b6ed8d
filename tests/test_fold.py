"""Words are compared lowercased one way, compiled and pure: ``features.fold``.

mypyc's compiled ``str.lower`` (Python < 3.13) lowers each letter by itself, so a capital
sigma at a word's end became "σ" where CPython writes final "ς": a Greek headline in
capitals shared words with its story in the pure build and not in the compiled one, and
the two builds took different titles.
"""

from __future__ import annotations

import ast

import pytest

from cleaners import native
from cleaners.decode.decoder import _drop_code
from cleaners.rules.boundary_rules import _stems
from cleaners.words.features import fold, lower


def test_both_sigmas_fold_to_one_letter():
    assert fold("ΣΤΙΣ ΤΡΕΙΣ") == fold("στις τρεις") == "στισ τρεισ"
    assert fold("Σήμερα") == "σήμερα"  # only the letter changes, not its accents


@pytest.mark.parametrize("text", ["Москва, Ёлка", "Hello World", "Zażółć GĘŚLĄ", "İstanbul"])
def test_fold_is_lower_where_there_is_no_sigma(text):
    assert fold(text) == text.lower()


def test_a_headline_in_capitals_has_the_stems_of_its_lowercase_story():
    """The case the builds split on: "ΣΤΙΣ" must meet the story's "στις"."""
    assert _stems("ΣΗΜΕΡΑ ΣΤΙΣ 6μ.μ. Η ΣΥΝΑΥΛΙΑ!") == _stems("σημερα στις 6μ.μ. η συναυλια!")
    assert "στισ" in _stems("ΣΤΙΣ ΤΡΕΙΣ")


def test_lower_is_cpythons_in_either_build():
    """``features.lower`` is what the compiled HTML modules lowercase with: it must write
    the final sigma as CPython's ``str.lower`` does, compiled or not."""
    assert lower("ΣΤΙΣ ΤΡΕΙΣ") == "στις τρεις" == "ΣΤΙΣ ΤΡΕΙΣ".lower()
    assert lower("Class-Name NAV") == "class-name nav"


def _lower_calls(module: str) -> list[str]:
    """Where ``module`` calls ``.lower()``, but inside ``fold`` itself (where str.lower is
    made to answer the same both ways)."""
    tree = ast.parse(native.source_path(module).read_text(encoding="utf-8"))
    inside_fold = {id(node) for fn in ast.walk(tree)
                   if isinstance(fn, ast.FunctionDef) and fn.name == "fold"
                   for node in ast.walk(fn)}
    return [f"{module}:{node.lineno}" for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "lower" and id(node) not in inside_fold]


def test_no_compiled_module_lowers_text_but_through_fold():
    """A bare ``.lower()`` in the compile set gives the two builds different words."""
    found = [call for m in native.MODULES for call in _lower_calls(m)]
    assert not found


def test_code_blocks_are_cut_where_they_stand_after_a_letter_that_lowers_longer():
    """"İ".lower() is two characters: positions found in a lowercased copy cut the text
    one character late for each such letter before a <script>."""
    text = "İİİ before <SCRIPT>var x = 1;</Script> after"
    assert _drop_code(text) == "İİİ before   after"
