"""The bench's generalisation figures: does Winnow hold where it was not tuned?

Winnow's rules and thresholds were chosen looking at the dev sets, so its F1 on a dev
set says little about a site it has never seen. Three figures, each cheap (they reuse
the page mode's outputs, except the last, which cleans the pages of sites that learn):

- **F1 by language** (``language_table``): on sets whose gold gives each page a
  ``lang``, Winnow and the anchors per language, marked where Winnow is below one.
- **Site halves** (``halves_table``): each set's sites split in two by a hash of the
  site's name (``site_half``; the same split as the lead's ``halves.py``), F1 and the
  gap Winnow − anchor on each half. Nothing is tuned on either half here, so this is
  not leave-sites-out: it shows whether Winnow's edge (or deficit) holds on two
  disjoint groups of sites, and a change that helps only one half's sites (the ones
  it was looked at on) shows as a gap that moves on that half only.
- **The site-chrome threshold, chosen on one half and scored on the other**
  (``threshold_table``): a real two-fold leave-sites-out of the one tuned number of
  site learning, the number of a site's pages that must print a line before it is
  chrome (``cleaners.sitestats.MIN_PAGES``). Candidates are floors in its place
  (``chrome_threshold(pages, floor)``: the shipped one among them) and no learning; the
  candidate with the best F1 on one half's pages is scored on the other half's, beside
  the shipped threshold and no learning. Only pages of sites with enough pages to
  learn from (``MIN_SITE_PAGES``) count: on the others the threshold changes nothing.

and the metadata rates (``metadata_line``): author found, published day right, title
exact, against the gold of sets that have them.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

BELOW = "▼"  # marks a figure where Winnow is below an anchor

#: a candidate of the leave-sites-out: a floor (pages printing a line) or None, no learning
Candidate = int | None
#: candidate floors in place of the shipped one (``MIN_PAGES``), most eager first
FLOORS: tuple[int, ...] = (2, 3, 5, 10)


def fold(text: str | None) -> str:
    """Whitespace folded: how titles are compared."""
    return " ".join((text or "").split())


# --------------------------------------------------------------------------
# Grouping pages
# --------------------------------------------------------------------------


def site_half(site: str) -> str:
    """"A" or "B": the half of the sites a site falls in, by a hash of its name (stable
    across runs and machines, independent of the set's order and size)."""
    return "A" if int(hashlib.sha1(site.encode("utf-8")).hexdigest(), 16) % 2 else "B"


def page_site(pid: str, gold_site: str | None, url: str | None) -> str:
    """A page's site: the gold's ``site``, else its URL's host, else the page id (a site of
    one page)."""
    if gold_site:
        return gold_site
    host = urlsplit(url).hostname if url else None
    return host or pid


@dataclass(frozen=True, slots=True)
class SetOutputs:
    """What the page mode made of one scored set: gold text, each extractor's texts
    (Winnow first, then the anchors, in the order they are reported), and each page's
    language (None when the gold has none) and site."""

    name: str
    truth: Mapping[str, str]
    texts: Mapping[str, Mapping[str, str]]  # extractor label -> page id -> text
    sites: Mapping[str, str]
    langs: Mapping[str, str] | None = None

    @property
    def labels(self) -> list[str]:
        return list(self.texts)


def group_f1(scorer: Any, truth: Mapping[str, str], texts: Mapping[str, str],
             groups: Mapping[str, str]) -> dict[str, tuple[float, int]]:
    """(F1, pages) of ``texts`` over each group of pages (``groups``: page id -> group; a
    page in no group is left out), by the scorer's own aggregate: P and R are means over
    the group's pages and F1 is theirs, exactly as for a whole set."""
    counts: dict[str, list[Any]] = {}
    for pid, group in groups.items():
        counts.setdefault(group, []).append(scorer.page_counts(truth[pid], texts.get(pid, "")))
    return {g: (scorer.aggregate(c)["f1"], len(c)) for g, c in counts.items()}


def versus(winnow: float, anchors: Mapping[str, float]) -> str:
    """Winnow's F1 against each anchor's, said so that a shortfall stands out."""
    below = [f"{name} ({winnow - f1:+.4f})" for name, f1 in anchors.items() if winnow < f1]
    return f"{BELOW} below {', '.join(below)}" if below else "at or above every anchor"


def _gap(winnow: float, anchor: float) -> str:
    return f"{BELOW} {winnow - anchor:+.4f}" if winnow < anchor else f"{winnow - anchor:+.4f}"


def _by_group(out: SetOutputs, scorer: Any, groups: Mapping[str, str]
              ) -> dict[str, dict[str, tuple[float, int]]]:
    """group -> extractor label -> (F1, pages)."""
    per_label = {label: group_f1(scorer, out.truth, texts, groups)
                 for label, texts in out.texts.items()}
    return {g: {label: per_label[label][g] for label in out.labels}
            for g in sorted(next(iter(per_label.values())))}


# --------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------


def _per_labels(sets: Sequence[SetOutputs]) -> dict[tuple[str, ...], list[SetOutputs]]:
    """Sets grouped by the extractors they were run with (one table each: HTML sets and
    text sets have different anchors)."""
    out: dict[tuple[str, ...], list[SetOutputs]] = {}
    for s in sets:
        out.setdefault(tuple(s.labels), []).append(s)
    return out


def _head(cells: Sequence[str]) -> list[str]:
    return ["| " + " | ".join(cells) + " |", "|" + "---|" * len(cells)]


def language_table(sets: Sequence[SetOutputs], scorer: Any) -> str:
    """F1 per language of each set (``all`` where the gold gives no language): Winnow,
    the anchors, and a mark where Winnow is below one. One table per set of extractors."""
    tables = []
    for labels, group in _per_labels(sets).items():
        lines = _head(["set", "language", "pages", *labels, "Winnow against the anchors"])
        for out in group:
            groups = dict(out.langs) if out.langs else {pid: "all (no lang in gold)"
                                                        for pid in out.truth}
            for lang, f1s in _by_group(out, scorer, groups).items():
                winnow, n = f1s[labels[0]]
                anchors = {label: f1s[label][0] for label in labels[1:]}
                cells = " | ".join(f"{f1s[label][0]:.3f}" for label in labels)
                lines.append(f"| {out.name} | {lang} | {n} | {cells} | "
                             f"{versus(winnow, anchors)} |")
        tables.append("\n".join(lines))
    return "\n\n".join(tables)


def halves_table(sets: Sequence[SetOutputs], scorer: Any) -> str:
    """Each set's two site halves: sites, pages, F1 of Winnow and the anchors, and the gap
    Winnow − each anchor (marked where negative). One table per set of extractors."""
    tables = []
    for labels, group in _per_labels(sets).items():
        lines = _head(["set", "half", "sites", "pages", *labels,
                       *(f"{labels[0]} − {label}" for label in labels[1:])])
        for out in group:
            halves = {pid: site_half(out.sites[pid]) for pid in out.truth}
            for half, f1s in _by_group(out, scorer, halves).items():
                sites = len({out.sites[pid] for pid, h in halves.items() if h == half})
                winnow, n = f1s[labels[0]]
                cells = [f"{f1s[label][0]:.3f}" for label in labels]
                cells += [_gap(winnow, f1s[label][0]) for label in labels[1:]]
                lines.append(f"| {out.name} | {half} | {sites} | {n} | {' | '.join(cells)} |")
        tables.append("\n".join(lines))
    return "\n\n".join(tables)


# --------------------------------------------------------------------------
# Leave-sites-out: the site-chrome threshold chosen on one half, scored on the other
# --------------------------------------------------------------------------


def candidate_name(candidate: Candidate) -> str:
    return "no learning" if candidate is None else f"floor {candidate}"


def choose(f1s: Mapping[Candidate, float], candidates: Sequence[Candidate]) -> Candidate:
    """The candidate with the best F1; on a tie the later one (candidates run from the
    most eager to the most cautious, so a tie goes to removing less)."""
    return max(enumerate(candidates), key=lambda ic: (f1s[ic[1]], ic[0]))[1]


@dataclass(frozen=True, slots=True)
class Fold:
    """One fold of the leave-sites-out: the candidate chosen on ``tuned`` and how it, the
    shipped threshold and no learning score on ``scored``."""

    tuned: str
    scored: str
    chosen: Candidate
    tuned_f1: float  # the chosen candidate on the half it was chosen on (in sample)
    chosen_f1: float
    shipped_f1: float
    off_f1: float


def leave_sites_out(f1: Mapping[tuple[str, Candidate], float], candidates: Sequence[Candidate],
                    shipped: Candidate) -> list[Fold]:
    """Both folds from F1 per (half, candidate); ``candidates`` includes ``shipped`` and
    None (no learning)."""
    folds = []
    for tuned, scored in (("A", "B"), ("B", "A")):
        chosen = choose({c: f1[(tuned, c)] for c in candidates}, candidates)
        folds.append(Fold(tuned, scored, chosen, f1[(tuned, chosen)], f1[(scored, chosen)],
                          f1[(scored, shipped)], f1[(scored, None)]))
    return folds


class PageLike(Protocol):
    id: str
    url: str | None
    html: str
    truth: str | None


def learning_pages(pages: Iterable[PageLike], sites: Mapping[str, str],
                   min_pages: int) -> list[PageLike]:
    """The pages of sites with at least ``min_pages`` pages: the only ones site learning
    can change."""
    pages = list(pages)
    count: dict[str, int] = {}
    for p in pages:
        count[sites[p.id]] = count.get(sites[p.id], 0) + 1
    return [p for p in pages if count[sites[p.id]] >= min_pages]


def texts_by_candidate(pages: Sequence[PageLike], sites: Mapping[str, str], input_format: str,
                       floors: Sequence[int] = FLOORS) -> dict[int, dict[str, str]]:
    """Winnow's text of each page cleaned with its site's chrome learned from all the
    site's pages (as ``winnow run --learn-sites`` does), at each floor. A page is cleaned
    once per distinct threshold its site gets (floors under a large site's own
    threshold change nothing)."""
    import cleaners
    from cleaners.sitestats import MIN_SITE_PAGES, chrome_threshold

    counters: dict[str, Any] = {}
    for p in pages:
        try:
            hashes = cleaners.page_line_hashes(p.html.encode("utf-8"), input_format=input_format)
        except cleaners.Rejected:
            continue  # no lines to learn from, as in the flow's learning pass
        counters.setdefault(sites[p.id], cleaners.LineCounter()).add_page(hashes)
    done: dict[tuple[str, int], str] = {}
    out: dict[int, dict[str, str]] = {floor: {} for floor in floors}
    for p in pages:
        site, counter = sites[p.id], counters.get(sites[p.id])
        for floor in floors:
            if counter is None or counter.pages < MIN_SITE_PAGES:
                need = 0  # the site learns nothing
            else:
                need = chrome_threshold(counter.pages, floor)
            if (p.id, need) not in done:
                chrome = cleaners.SiteChrome(site, counter.pages, {
                    h: c for h, c in counter.counts.items() if c >= need}) if need else None
                done[(p.id, need)] = _clean(p, input_format, site, chrome)
            out[floor][p.id] = done[(p.id, need)]
    return out


def _clean(page: PageLike, input_format: str, site: str, chrome: Any) -> str:
    import cleaners

    try:
        record = cleaners.clean_page(page.html.encode("utf-8"), url=page.url, site=site,
                                     input_format=input_format, site_chrome=chrome)
    except cleaners.Rejected:
        return ""
    return record.text


def threshold_folds(name: str, out: SetOutputs, candidate_texts: Mapping[Candidate,
                    Mapping[str, str]], scorer: Any, shipped: int) -> str | None:
    """The table rows of one set's two folds, or None when a half has no page to score
    (``candidate_texts`` covers the learning sites' pages; None is no learning)."""
    pids = list(next(iter(candidate_texts.values())))
    halves = {pid: site_half(out.sites[pid]) for pid in pids}
    if len(set(halves.values())) < 2:
        return None
    f1: dict[tuple[str, Candidate], float] = {}
    for candidate, texts in candidate_texts.items():
        for half, (value, _) in group_f1(scorer, out.truth, texts, halves).items():
            f1[(half, candidate)] = value
    size = {h: (len({out.sites[p] for p in pids if halves[p] == h}),
                sum(1 for p in pids if halves[p] == h)) for h in ("A", "B")}
    rows = []
    for fold in leave_sites_out(f1, list(candidate_texts), shipped):
        worse = BELOW + " " if fold.chosen_f1 < fold.off_f1 else ""
        rows.append(
            f"| {name} | {fold.tuned} ({size[fold.tuned][0]} sites, {size[fold.tuned][1]} "
            f"pages) | {fold.scored} ({size[fold.scored][0]} sites, {size[fold.scored][1]} "
            f"pages) | {candidate_name(fold.chosen)} | {fold.tuned_f1:.4f} | "
            f"{worse}{fold.chosen_f1:.4f} | {fold.shipped_f1:.4f} | {fold.off_f1:.4f} |")
    return "\n".join(rows)


THRESHOLD_HEAD = ("| set | chosen on half | scored on half | chosen | F1 where chosen | "
                  "F1 held out | held out, shipped | held out, no learning |\n"
                  "|---|---|---|---|---|---|---|---|")


# --------------------------------------------------------------------------
# Metadata
# --------------------------------------------------------------------------


def _words(text: str) -> set[str]:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return set(re.findall(r"\w+", folded))


def author_found(names: Sequence[str], gold: str) -> bool:
    """Whether one of the names is the gold author: it shares two of the gold's words
    (one when the gold is a single word), case and Unicode forms folded."""
    want = _words(gold)
    need = min(2, len(want))
    return need > 0 and any(len(_words(n) & want) >= need for n in names)


def day_right(published: str | None, gold: str) -> bool:
    """Whether the published date is on the gold's day (the first ten characters of both:
    YYYY-MM-DD, whatever time or offset follows)."""
    return bool(published) and published[:10] == gold[:10]


@dataclass(frozen=True, slots=True)
class Meta:
    """An extractor's metadata for one page."""

    title: str | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None


def metadata_counts(gold: Mapping[str, Mapping[str, str | None]], meta: Mapping[str, Meta]
                    ) -> dict[str, tuple[int, int]]:
    """(hits, pages with a gold value) for author, published day and title exact."""
    found: dict[str, list[bool]] = {"author": [], "day": [], "title": []}
    for pid, g in gold.items():
        m = meta.get(pid, Meta())
        if g.get("author"):
            found["author"].append(author_found(m.authors, g["author"] or ""))
        if g.get("published"):
            found["day"].append(day_right(m.published, g["published"] or ""))
        if g.get("title"):
            found["title"].append(fold(m.title) == fold(g["title"]))
    return {k: (sum(v), len(v)) for k, v in found.items()}


def metadata_line(name: str, gold: Mapping[str, Mapping[str, str | None]],
                  metas: Mapping[str, Mapping[str, Meta]]) -> str:
    """One line per set: each extractor's author, day and title rates."""
    def rate(hit_n: tuple[int, int]) -> str:
        hits, n = hit_n
        return f"{hits}/{n} ({hits / n:.0%})" if n else "—"

    parts = []
    for label, meta in metas.items():
        c = metadata_counts(gold, meta)
        parts.append(f"{label}: author found {rate(c['author'])}, published day right "
                     f"{rate(c['day'])}, title exact {rate(c['title'])}")
    return f"{name}: " + "; ".join(parts) + "."


def trafilatura_meta(pages: Iterable[PageLike], extract: Callable[..., Any] | None = None
                     ) -> dict[str, Meta]:
    """trafilatura's own metadata of each HTML page (``extract_metadata``: title, author,
    date), untimed; its authors come ";"-separated."""
    if extract is None:
        from trafilatura import extract_metadata as extract
    out = {}
    for p in pages:
        try:
            doc = extract(p.html, default_url=p.url)
        except Exception:  # a page trafilatura cannot read has no metadata
            continue
        authors = tuple(a.strip() for a in (doc.author or "").split(";") if a.strip())
        out[p.id] = Meta(doc.title, authors, doc.date)
    return out
