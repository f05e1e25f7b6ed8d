"""Link the records of a run: duplicates of an earlier story, and translations.

The flow opens one ``Linker`` per run (``Linker.open(out_root)``), hands it each
batch's articles in part order, writes what it returns, and closes it at the end
of the run. It runs in the flow's process only, never in a worker, so it may keep
state across batches; what it learns is kept in ``<out>/_state/links.sqlite``, so
a repost is found even when its original was cleaned in an earlier run.

**Duplicates.** A record whose text equals an earlier record's, once normalised
(case, ё/е, punctuation and spacing folded), is an exact duplicate. Otherwise its
word 5-shingles are MinHashed (datasketch, 64 permutations) and looked up by LSH
band keys, kept in sqlite with an index rather than in an in-memory LSH of the whole
archive, so memory stays flat however large the archive grows. A candidate is a
near duplicate when their estimated Jaccard similarity is at least ``MIN_JACCARD``
and the smaller text is mostly inside the larger (``MIN_CONTAINMENT``): a repost
with one paragraph added or cut still is one. Measured by ``make bench`` on reposts
made from the dev text pages: different pages reach Jaccard 0.06 / containment 0.15
at most (5,061 pairs, stories on the same topic among them; two posts of one blog
reached 0.20 / 0.41 while the cleaner kept the blog's boilerplate: hence the margin);
reposts with another story's paragraph added are at Jaccard >= 0.47 and containment
>= 0.87 in 95 % of cases, reposts in another page's chrome at >= 0.73 / 1.0. A
duplicate keeps its record, with ``duplicate_of`` naming the first record seen (first
in the flow's order).

**Translations.** A record whose alternate title equals another record's title
(case and spacing folded), or whose title is another's alternate title, is linked
to it both ways in ``related`` (``translation_of`` / ``translated_as``, with the other
record's language). A duplicate takes no part: its original carries the links. Both
records carry the link when they are written in the same batch; a record written
earlier cannot be rewritten, so every link, both directions, is also listed in
``<out>/links.jsonl``, rebuilt at the end of each run.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from hashlib import blake2b
from pathlib import Path

import numpy as np

from flows.state import connect_state_db
from schemas.models import ArticleRecord, LinkRecord, Related

LINKS_DB = "links.sqlite"
LINKS_FILE = "links.jsonl"

SHINGLE_WORDS = 5
NUM_PERM = 64
LSH_THRESHOLD = 0.2  # the Jaccard similarity the LSH bands are tuned to find
MIN_JACCARD = 0.3
MIN_CONTAINMENT = 0.6
MIN_TITLE_CHARS = 12  # a shorter title ("Новости") names no one story
SEED = 1  # fixed, as the scheme: signatures stored in one run are compared in the next
SCHEME = "affine32"  # datasketch 2's default, named so a new default cannot change them

_WORD = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    rid       INTEGER PRIMARY KEY,
    id        TEXT NOT NULL UNIQUE,
    canonical TEXT NOT NULL,      -- the first record seen with this story (itself if original)
    size      INTEGER NOT NULL,   -- shingles in its text
    sig       BLOB NOT NULL       -- MinHash signature, NUM_PERM uint32
);
CREATE TABLE IF NOT EXISTS exact (
    hash INTEGER PRIMARY KEY,     -- normalised text
    id   TEXT NOT NULL            -- the first record with it
);
CREATE TABLE IF NOT EXISTS bands (
    key INTEGER NOT NULL,
    rid INTEGER NOT NULL,
    PRIMARY KEY (key, rid)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS titles (
    key      TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('title', 'alt')),
    id       TEXT NOT NULL,
    language TEXT,
    PRIMARY KEY (key, kind, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS links (
    id       TEXT NOT NULL,
    other    TEXT NOT NULL,
    relation TEXT NOT NULL,
    language TEXT,
    PRIMARY KEY (id, other, relation)
) WITHOUT ROWID;
"""


def text_key(text: str) -> str:
    """The form texts are compared in: words only, lowercased, ё as е."""
    return " ".join(_WORD.findall(text.lower().replace("ё", "е")))


def _hash64(data: bytes) -> int:
    return int.from_bytes(blake2b(data, digest_size=8).digest(), "big", signed=True)


def text_hash(text: str) -> int:
    """A stable 64-bit hash of the normalised text: equal for exact duplicates."""
    return _hash64(text_key(text).encode("utf-8"))


def shingles(text: str, k: int = SHINGLE_WORDS) -> set[bytes]:
    """The text's word k-shingles (a shorter text is one shingle)."""
    words = text_key(text).split()
    if len(words) <= k:
        return {" ".join(words).encode("utf-8")}
    return {" ".join(words[i:i + k]).encode("utf-8") for i in range(len(words) - k + 1)}


def preload() -> None:
    """Import datasketch in a background thread (it imports scipy.integrate: a second or
    more on a busy machine), so the first batch's linking does not wait for it: the CLI
    calls this as a run starts, while the run mostly waits on Prefect's API and disk."""
    import threading

    def load() -> None:
        try:
            _bands()
            _permutations()
        except Exception:  # noqa: S110 - the first link() imports it again and says why
            pass

    threading.Thread(target=load, name="winnow-preload", daemon=True).start()


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """datasketch's permutations for (NUM_PERM, SEED), made once instead of per record."""
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations


def signature(grams: set[bytes]) -> np.ndarray:
    """The MinHash signature of a shingle set (datasketch), as NUM_PERM uint32."""
    from datasketch import MinHash

    m = MinHash(num_perm=NUM_PERM, seed=SEED, permutations=_permutations(), scheme=SCHEME)
    m.update_batch(sorted(grams))
    return m.hashvalues.astype(np.uint32)


@lru_cache(maxsize=1)
def _bands() -> tuple[tuple[int, int], ...]:
    """The LSH bands (start, end) datasketch chooses for LSH_THRESHOLD at NUM_PERM."""
    from datasketch import MinHashLSH

    return tuple(MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM).hashranges)


def band_keys(sig: np.ndarray) -> list[int]:
    """One sqlite key per band: records sharing one are candidates."""
    return [_hash64(bytes([i]) + sig[start:end].tobytes())
            for i, (start, end) in enumerate(_bands())]


def similarity(sig_a: np.ndarray, size_a: int, sig_b: np.ndarray, size_b: int
               ) -> tuple[float, float]:
    """(estimated Jaccard, estimated containment of the smaller set in the larger)."""
    jaccard = float(np.count_nonzero(sig_a == sig_b)) / len(sig_a)
    common = jaccard * (size_a + size_b) / (1 + jaccard)
    return jaccard, min(1.0, common / max(1, min(size_a, size_b)))


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What duplicate linking needs of a record's text: its exact hash, its shingle count
    and MinHash signature. Made where the record is made (the worker that cleaned the
    page, ``flows.batch``), so the flow process, which links every record of the run one
    after the other, does not shingle and hash them all itself."""

    digest: int
    size: int
    sig: bytes  # NUM_PERM uint32


def fingerprint(text: str) -> Fingerprint:
    grams = shingles(text)
    return Fingerprint(text_hash(text), len(grams), signature(grams).tobytes())


def title_key(title: str | None) -> str | None:
    """A title as titles are matched: case and spacing folded; None if too short to
    name one story."""
    if not title:
        return None
    key = _SPACE.sub(" ", title.casefold()).strip()
    return key if len(key) >= MIN_TITLE_CHARS else None


class Linker:
    """Sees every article of a run, batch by batch in part order, before it is written."""

    def __init__(self, out_root: Path) -> None:
        self.out_root = out_root
        self._db = connect_state_db(out_root, LINKS_DB, wal=False)
        self._db.executescript(_SCHEMA)
        self.duplicates = 0  # records of this run marked as duplicates
        self.translations = 0  # translation links found in this run

    @classmethod
    def open(cls, out_root: str | Path) -> Linker:
        return cls(Path(out_root))

    def link(self, records: list[ArticleRecord],
             fingerprints: Sequence[Fingerprint] | None = None) -> list[ArticleRecord]:
        """The batch's records as they should be written: duplicates marked, translations
        linked; what was learned is committed before they are returned. ``fingerprints``,
        one per record in order, where the batch made them (else they are made here)."""
        out = list(records)
        position = {r.id: i for i, r in enumerate(out)}
        related: dict[str, list[Related]] = {r.id: list(r.related) for r in out}
        given = fingerprints if fingerprints and len(fingerprints) == len(out) else None
        with self._db:
            for i, record in enumerate(out):
                dup = self._duplicate(record, given[i] if given else None)
                if dup is not None:  # its original carries the story's translation links
                    self.duplicates += 1
                    out[i] = record.model_copy(update={"duplicate_of": dup})
                    continue
                for mine, back in self._translations(record):
                    related[record.id].append(mine)
                    if mine.id in position:  # the other is in this batch: it gets its side
                        related[mine.id].append(back)
        for i, record in enumerate(out):
            links = _unique(related[record.id])
            if links != record.related:
                out[i] = record.model_copy(update={"related": links})
        return out

    # ------------------------------------------------------------------ duplicates

    def _duplicate(self, record: ArticleRecord, fp: Fingerprint | None = None) -> str | None:
        """The id of the first record with the same story, or None; remember this one."""
        db = self._db
        known = db.execute("SELECT canonical FROM records WHERE id = ?",
                           (record.id,)).fetchone()
        if known is not None:  # cleaned before (a changed page, a reprocess): same answer
            return known[0] if known[0] != record.id else None
        fp = fp or fingerprint(record.text)
        exact = db.execute("SELECT id FROM exact WHERE hash = ?", (fp.digest,)).fetchone()
        sig = np.frombuffer(fp.sig, dtype=np.uint32)
        keys = band_keys(sig)
        if exact is not None:
            canonical: str | None = self._canonical(exact[0])
        else:
            canonical = self._near(sig, fp.size, keys)
        cur = db.execute("INSERT INTO records (id, canonical, size, sig) VALUES (?, ?, ?, ?)",
                         (record.id, canonical or record.id, fp.size, fp.sig))
        if canonical is None:  # only originals are candidates: a story's copies never pile up
            db.executemany("INSERT OR IGNORE INTO bands (key, rid) VALUES (?, ?)",
                           [(k, cur.lastrowid) for k in keys])
        db.execute("INSERT OR IGNORE INTO exact (hash, id) VALUES (?, ?)",
                   (fp.digest, record.id))
        return canonical

    def _canonical(self, record_id: str) -> str:
        row = self._db.execute("SELECT canonical FROM records WHERE id = ?",
                               (record_id,)).fetchone()
        return row[0] if row else record_id

    def _near(self, sig: np.ndarray, size: int, keys: list[int]) -> str | None:
        """The canonical id of the most similar earlier record that is a near duplicate."""
        marks = ",".join("?" * len(keys))
        rows = self._db.execute(
            f"SELECT DISTINCT r.rid, r.canonical, r.size, r.sig FROM bands b"
            f" JOIN records r ON r.rid = b.rid WHERE b.key IN ({marks}) ORDER BY r.rid",
            keys,
        ).fetchall()
        best: tuple[float, str] | None = None
        for _rid, canonical, other_size, blob in rows:
            other = np.frombuffer(blob, dtype=np.uint32)
            jaccard, contained = similarity(sig, size, other, other_size)
            if jaccard >= MIN_JACCARD and contained >= MIN_CONTAINMENT and (
                    best is None or jaccard > best[0]):
                best = (jaccard, canonical)
        return best[1] if best else None

    # ---------------------------------------------------------------- translations

    def _translations(self, record: ArticleRecord) -> list[tuple[Related, Related]]:
        """(link on this record, link back on the other record) for each translation found;
        both are stored, and this record's titles remembered for the records to come."""
        db = self._db
        mine = title_key(record.title)
        alts = {k for k in map(title_key, record.alternate_titles) if k and k != mine}
        found: list[tuple[Related, Related]] = []
        seen: set[str] = set()
        # this record's alternate title is another's title: this one translates it
        for key in sorted(alts):
            for other, language in db.execute(
                    "SELECT id, language FROM titles WHERE key = ? AND kind = 'title'", (key,)):
                if other != record.id and other not in seen:
                    seen.add(other)
                    found.append(self._pair(record, other, language, "translation_of"))
        # this record's title is another's alternate title: the other translates this one
        if mine:
            for other, language in db.execute(
                    "SELECT id, language FROM titles WHERE key = ? AND kind = 'alt'", (mine,)):
                if other != record.id and other not in seen:
                    seen.add(other)
                    found.append(self._pair(record, other, language, "translated_as"))
        rows = [(mine, "title", record.id, record.language)] if mine else []
        rows += [(k, "alt", record.id, record.language) for k in alts]
        db.executemany("INSERT OR IGNORE INTO titles (key, kind, id, language)"
                       " VALUES (?, ?, ?, ?)", rows)
        self.translations += len(found)
        return found

    def _pair(self, record: ArticleRecord, other: str, language: str | None,
              relation: str) -> tuple[Related, Related]:
        back = "translated_as" if relation == "translation_of" else "translation_of"
        self._db.executemany(
            "INSERT OR IGNORE INTO links (id, other, relation, language) VALUES (?, ?, ?, ?)",
            [(record.id, other, relation, language), (other, record.id, back, record.language)])
        return (Related(id=other, relation=relation, language=language),
                Related(id=record.id, relation=back, language=record.language))

    # ------------------------------------------------------------------------- end

    def export_links(self) -> Path:
        """Rewrite ``<out>/links.jsonl`` (atomically) with every link known, both ways."""
        from flows.writer import atomic_write_text

        lines = []
        for rid, other, relation, language in self._db.execute(
                "SELECT id, other, relation, language FROM links ORDER BY id, other, relation"):
            link = LinkRecord(id=rid, related=Related(id=other, relation=relation,
                                                      language=language))
            lines.append(link.model_dump_json() + "\n")
        path = self.out_root / LINKS_FILE
        atomic_write_text(path, "".join(lines))
        return path

    def close(self) -> None:
        """End of the run: list every link in ``links.jsonl`` and release the store."""
        try:
            self.export_links()
        finally:
            self._db.close()


def _unique(links: list[Related]) -> list[Related]:
    seen, out = set(), []
    for link in links:
        key = (link.id, link.relation)
        if key not in seen:
            seen.add(key)
            out.append(link)
    return out
