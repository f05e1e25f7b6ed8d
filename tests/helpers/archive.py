"""Generated archives: many small distinct pages made from the seed pages."""

from __future__ import annotations

import json
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"


def seed_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]


def make_archive(root: Path, pages: int, *, start: int = 0, short: bool = False) -> list[str]:
    """``pages`` text pages under ``root/<site>/``, each a seed page with a sentence of
    its own added (so every page, and every record id, is distinct); return their
    source paths. ``short`` keeps the first 1,500 characters of each seed (quicker to
    clean, still an article)."""
    seeds = seed_texts()
    if short:
        seeds = [s[: s.rfind("\n", 0, 1500)] + "\n" for s in seeds]
    names = []
    for i in range(start, start + pages):
        seed = seeds[i % len(seeds)]
        head, sep, tail = seed.partition("\n\n")
        extra = (f"Дополнение номер {i}: корреспондент уточнил детали события"
                 f" в отдельном сообщении {i * 7919 % 100003}.")
        name = f"site{i % 3}/page-{i:05d}.txt"
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(head + sep + extra + "\n\n" + tail, encoding="utf-8")
        names.append(name)
    return names


def add_sidecar(page: Path, **fields: str) -> None:
    (page.parent / (page.name + ".meta.json")).write_text(json.dumps(fields), encoding="utf-8")
