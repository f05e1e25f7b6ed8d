"""A synthetic news archive of any size, for the scale bench (flat memory, linear time).

    .venv/bin/python bench/synthetic_archive.py OUT_FOLDER --pages 100000 [--form folder|warc]

Why synthetic: the dev sets hold 838 pages; memory that grows with the archive and time
per page that grows with it only show at tens of thousands of pages, and copies of 838
pages would be near duplicates of each other (the linker would mark 99 % of them). Each
page here is its own story: a headline and 4-14 paragraphs of sentences drawn at random
from a news vocabulary, in one of ``SITES`` sites, each site with its own template (one
of five layout families: nav, breadcrumbs, share buttons, related stories, comment prompt,
footer, scripts), so site learning sees real site chrome and the cleaner real markup.

Page ``i`` is a function of (``seed``, ``i``) alone: the first 10,000 pages of a
100,000-page archive are the 10,000-page archive, in both forms.

- ``folder``: ``<out>/<site>/<YYYY-MM-DD>/<slug>.html`` with its sidecar
  (``.meta.json``: url, fetched_at), as ``winnow fetch`` saves pages.
- ``warc``: ``<out>/<site-group>/crawl-NNNNN.warc.gz`` of ``per_warc`` pages each: a
  ``warcinfo`` record, then per page a ``request`` and a ``response`` record (HTTP 200,
  ``text/html; charset=utf-8``), one gzip member per record as the standard says.
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import random
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

SITES = 40
START = datetime(2024, 1, 1, 6, 0, tzinfo=UTC)


def _split(text: str, sep: str | None = None) -> list[str]:
    return text.split(sep)


_WORDS = _split(
    "government minister council election vote parliament party leader official report "
    "city region country border economy market price inflation budget tax bank rate "
    "company workers union strike deal agreement talks summit president mayor court judge "
    "police officers investigation suspect witness hospital doctors patients health school "
    "students teachers university research scientists study data climate weather storm "
    "flood fire drought energy power gas oil electricity grid transport rail road airport "
    "flight passengers ship port trade exports imports farmers harvest food water housing "
    "rent families children residents community village district province capital coast "
    "river bridge station project plan proposal law bill reform policy funding spending "
    "million billion percent year month week day morning evening night season record "
    "growth decline increase rise fall drop change support opposition criticism protest "
    "crowd demonstration rally campaign candidate poll survey voters result victory defeat "
    "team match season coach player goal league championship fans stadium final game "
    "festival museum exhibition artist film music concert theatre book author award "
    "technology software internet phone network company startup investors shares profit "
    "loss revenue sales customers service delays costs prices wages jobs unemployment "
    "army troops ceasefire conflict peace negotiations aid refugees embassy sanctions "
    "statement spokesperson interview press conference announcement decision meeting "
    "committee agency department ministry authority regulator inspector audit review"
)
_VERBS = _split("said announced reported confirmed denied warned promised rejected approved "
          "criticised welcomed proposed expected estimated revealed insisted argued added "
          "noted stressed claimed admitted agreed decided")
_GLUE = _split("the the the a of in on for with after before during over under against about "
         "from to by at as new local national former senior regional public")
_NAMES = _split("Anna Petrova|John Miller|Maria Garcia|Ivan Sokolov|Li Wei|Sarah Johnson|"
          "Ahmed Hassan|Elena Popescu|Tomasz Nowak|Yuki Tanaka|Olga Ivanova|David Brown|"
          "Fatima Khan|Lucas Martin|Sofia Rossi|Mehmet Yilmaz", "|")
_PLACES = _split("Riverton|Northfield|Lakeside|Eastport|Granville|Westbrook|Hillcrest|"
           "Kingsbridge|Ashford|Millbrook|Stonehaven|Fairview", "|")
_SECTIONS = _split("Politics|Business|World|Local|Sport|Culture|Science|Health|Technology|"
             "Opinion", "|")


def _sentence(rng: random.Random) -> str:
    words = []
    for _ in range(rng.randint(7, 22)):
        words.append(rng.choice(_GLUE) if rng.random() < 0.35 else rng.choice(_WORDS))
    at = rng.randint(2, max(2, len(words) - 2))
    who = rng.choice(_NAMES) if rng.random() < 0.3 else f"the {rng.choice(_WORDS)}"
    words[at:at] = [who, rng.choice(_VERBS)]
    if rng.random() < 0.25:
        words.append(f"in {rng.choice(_PLACES)}")
    if rng.random() < 0.2:
        words.insert(rng.randint(0, len(words)), f"{rng.randint(2, 990)} {rng.choice(_WORDS)}")
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice(".....?!")


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(2, 5)))


@dataclass(frozen=True, slots=True)
class Site:
    """One site: its name, its layout family and the chrome every page of it prints."""

    name: str
    family: int
    nav: tuple[str, ...]
    footer: tuple[str, ...]
    cls: str  # the class prefix of its markup


def site(n: int, seed: int = 21) -> Site:
    rng = random.Random(f"site-{seed}-{n}")
    word = rng.choice(_PLACES).lower()
    name = f"{word}-{rng.choice(['news', 'times', 'post', 'herald', 'daily'])}{n}.example"
    nav = tuple(rng.sample(_SECTIONS, rng.randint(5, 9)))
    footer = (f"© 2024 {word.title()} Media Group. All rights reserved.",
              "Privacy policy", "Terms of use", "Contact the newsroom", "Advertise with us",
              f"{word.title()} News is not responsible for the content of external sites.")
    return Site(name, n % 5, nav, footer, rng.choice(["td", "nx", "cms", "wp", "pg"]))


@dataclass(frozen=True, slots=True)
class SynthPage:
    """One page of the archive: where it goes and what it is."""

    index: int
    site: Site
    when: datetime
    slug: str
    html: str

    @property
    def url(self) -> str:
        return f"https://{self.site.name}/{self.when:%Y/%m/%d}/{self.slug}"

    @property
    def rel_path(self) -> str:
        return f"{self.site.name}/{self.when:%Y-%m-%d}/{self.slug}.html"


def _chrome_top(s: Site, section: str) -> list[str]:
    c = s.cls
    nav = "".join(f'<li><a href="/{x.lower()}">{x}</a></li>' for x in s.nav)
    out = [f'<header class="{c}-header"><a class="{c}-logo" href="/">{s.name}</a>',
           f'<nav class="{c}-nav"><ul>{nav}</ul></nav>',
           f'<form class="{c}-search"><input name="q" placeholder="Search"></form></header>']
    if s.family in (1, 3):
        out.append(f'<div class="{c}-breadcrumbs"><a href="/">Home</a> › '
                   f'<a href="/{section.lower()}">{section}</a></div>')
    if s.family == 2:
        out.append(f'<div class="{c}-ticker">Breaking: markets open higher · '
                   f'Weather warning for {s.name.split("-")[0].title()}</div>')
    return out


def _related(rng: random.Random, s: Site) -> str:
    items = "".join(f'<li><a href="/story/{rng.randrange(10**6)}">{_sentence(rng)[:70]}</a></li>'
                    for _ in range(rng.randint(3, 6)))
    return f'<aside class="{s.cls}-related"><h3>Read also</h3><ul>{items}</ul></aside>'


def _article(rng: random.Random, s: Site, title: str, when: datetime) -> list[str]:
    c = s.cls
    author = rng.choice(_NAMES)
    paras = [_paragraph(rng) for _ in range(rng.randint(4, 14))]
    body = []
    for k, para in enumerate(paras):
        body.append(f"<p>{html.escape(para)}</p>")
        if k == 1 and s.family in (0, 4):
            body.append(f'<figure><img src="/img/{rng.randrange(10**6)}.jpg" alt="">'
                        f"<figcaption>{html.escape(_sentence(rng))} Photo: "
                        f"{rng.choice(_NAMES)}</figcaption></figure>")
        if k == 3 and s.family in (1, 2):
            body.append(_related(rng, s))
    share = (f'<div class="{c}-share"><a href="#">Share on Facebook</a> '
             '<a href="#">Share on X</a> <a href="#">Email</a></div>')
    tags = "".join(f'<a rel="tag" href="/tag/{w}">{w}</a> '
                   for w in rng.sample(_WORDS, rng.randint(2, 5)))
    return [f'<article class="{c}-article"><h1>{html.escape(title)}</h1>',
            f'<div class="{c}-byline">By <span class="author">{author}</span> · '
            f'<time datetime="{when.isoformat()}">{when:%d %B %Y, %H:%M}</time></div>',
            share if s.family != 3 else "", *body,
            f'<div class="{c}-tags">Tags: {tags}</div>', share if s.family == 3 else "",
            "</article>"]


def _document(rng: random.Random, s: Site, when: datetime, title: str) -> str:
    section = rng.choice(s.nav)
    c = s.cls
    footer = "".join(f"<li>{x}</li>" for x in s.footer)
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)} | {s.name}</title>",
        f'<meta property="og:title" content="{html.escape(title)}">',
        f'<meta property="article:published_time" content="{when.isoformat()}">',
        f'<link rel="stylesheet" href="/static/{c}.css">',
        f"<script>window.dataLayer=[];var cfg={{site:'{s.name}',section:'{section}'}};</script>",
        "</head><body>", *_chrome_top(s, section), f'<main class="{c}-main">',
        *_article(rng, s, title, when),
        _related(rng, s) if s.family in (0, 3, 4) else "",
        f'<div class="{c}-comments">Comments are closed for this story. '
        'Read our community guidelines.</div>' if s.family != 1 else "",
        f'</main><aside class="{c}-popular"><h3>Most read</h3><ol>'
        + "".join(f"<li><a href='/p/{rng.randrange(10**5)}'>{_sentence(rng)[:60]}</a></li>"
                  for _ in range(5)) + "</ol></aside>",
        f'<footer class="{c}-footer"><ul>{footer}</ul></footer>',
        f'<script src="/static/{c}.js" async></script></body></html>',
    ]
    return "\n".join(p for p in parts if p)


def page(i: int, seed: int = 21) -> SynthPage:
    """Page ``i`` of the archive made with ``seed``: the same page every time."""
    rng = random.Random(f"page-{seed}-{i}")
    s = site(i % SITES, seed)
    when = START + timedelta(minutes=7 * i + rng.randrange(7))
    title = _sentence(rng).rstrip(".?!")[:110]
    slug = "-".join(title.lower().split()[:6]).replace("'", "") + f"-{i}"
    return SynthPage(i, s, when, slug, _document(rng, s, when, title))


def pages(count: int, seed: int = 21, start: int = 0) -> Iterator[SynthPage]:
    for i in range(start, start + count):
        yield page(i, seed)


def write_folder(out: Path, count: int, seed: int = 21) -> int:
    """The archive as page files in site folders, each with its sidecar; return bytes."""
    total = 0
    for p in pages(count, seed):
        path = out / p.rel_path
        path.parent.mkdir(parents=True, exist_ok=True)
        data = p.html.encode("utf-8")
        path.write_bytes(data)
        sidecar = {"url": p.url, "fetched_at": (p.when + timedelta(minutes=3)).isoformat()}
        path.with_name(path.name + ".meta.json").write_text(json.dumps(sidecar))
        total += len(data)
    return total


def _record(kind: str, block: bytes, *, uri: str | None, when: datetime,
            content_type: str) -> bytes:
    rid = uuid.uuid5(uuid.NAMESPACE_URL, f"{kind} {uri} {when.isoformat()}")  # reproducible
    head = ["WARC/1.0", f"WARC-Type: {kind}", f"WARC-Record-ID: <urn:uuid:{rid}>",
            f"WARC-Date: {when:%Y-%m-%dT%H:%M:%SZ}"]
    if uri:
        head.append(f"WARC-Target-URI: {uri}")
    head += [f"Content-Type: {content_type}", f"Content-Length: {len(block)}"]
    return gzip.compress("\r\n".join(head).encode() + b"\r\n\r\n" + block + b"\r\n\r\n",
                         compresslevel=5)


def response_records(url: str, body: bytes, when: datetime) -> bytes:
    """A page's ``request`` and ``response`` records (HTTP 200, UTF-8 HTML), each its own
    gzip member."""
    host, _, path = url.split("://", 1)[-1].partition("/")
    request = (f"GET /{path} HTTP/1.1\r\nHost: {host}\r\n"
               "User-Agent: Winnow-bench\r\n\r\n").encode()
    response = ("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode() + body
    return (_record("request", request, uri=url, when=when,
                    content_type="application/http; msgtype=request")
            + _record("response", response, uri=url, when=when,
                      content_type="application/http; msgtype=response"))


def warc_records(p: SynthPage) -> bytes:
    """A synthetic page's request and response records."""
    return response_records(p.url, p.html.encode("utf-8"), p.when + timedelta(minutes=3))


def write_warcs(out: Path, count: int, seed: int = 21, per_warc: int = 1000) -> int:
    """The archive as WARC files of ``per_warc`` pages each, ten files a folder; return
    bytes written."""
    total = 0
    for n, first in enumerate(range(0, count, per_warc)):
        path = out / f"group-{n // 10:03d}" / f"crawl-{n:05d}.warc.gz"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            info = b"software: winnow bench/synthetic_archive.py\r\nformat: WARC/1.0\r\n"
            fh.write(_record("warcinfo", info, uri=None, when=START,
                             content_type="application/warc-fields"))
            for p in pages(min(per_warc, count - first), seed, first):
                fh.write(warc_records(p))
        total += path.stat().st_size
    return total


def write_archive(out: Path, count: int, form: str = "folder", seed: int = 21) -> Path:
    """``count`` pages in ``out`` as ``form`` ("folder" or "warc"); return ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    if form == "folder":
        write_folder(out, count, seed)
    elif form == "warc":
        write_warcs(out, count, seed)
    else:
        raise ValueError(f"form must be folder or warc, not {form!r}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--pages", type=int, default=100_000)
    ap.add_argument("--form", choices=["folder", "warc"], default="folder")
    ap.add_argument("--seed", type=int, default=21)
    args = ap.parse_args(argv)
    write_archive(args.out, args.pages, args.form, args.seed)
    print(f"wrote {args.pages} pages as {args.form} under {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
