"""The hostile-input corpus, generated on demand: nothing binary is committed.

``build(raw)`` writes every case of issue 7 into ``raw`` and returns what each must
become: a record (with a phrase its text must hold) or a reject (with its reason and
a fragment its detail must hold, so details stay specific). Cases that need the run
itself to misbehave (a file deleted or rewritten between discovery and reading, a
page slower than its budget) are set up by ``after_discovery`` and ``SLOW_MARKER``.
"""

from __future__ import annotations

import gzip
import os
import stat
import zlib
from dataclasses import dataclass
from pathlib import Path

FIX = Path(__file__).parent / "fixtures" / "html"
SEEDS = Path(__file__).resolve().parent.parent / "raw"
HEADLINE = "В Краснодаре ребенок умер от последствий бешенства"
SEED_TEXT = "Российская сторона не только готова"  # in the seed below, which every dump copies
SEED = SEEDS / "000_a125d57da672de5c.txt"
SLOW_MARKER = "МЕДЛЕННАЯ-СТРАНИЦА"  # a rule patched by the test sleeps on pages holding it


@dataclass(frozen=True, slots=True)
class Case:
    """One file of the corpus and what it must become."""

    name: str  # source_path as Winnow reports it (relative to raw, POSIX, valid text)
    outcome: str  # "record" or a reject reason
    fragment: str  # the record's text holds it, or the reject's detail does
    why: str

    @property
    def is_record(self) -> bool:
        return self.outcome == "record"


def _write(raw: Path, name: str | bytes, data: bytes) -> None:
    path = os.path.join(os.fsencode(raw), name if isinstance(name, bytes) else name.encode())
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(data)


def _page(headline: str, *paragraphs: str) -> str:
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    return (f"<html><head><title>{headline}</title></head><body>\n"
            f"<div class=\"menu\"><a href=\"/\">Главная</a> <a href=\"/news\">Новости</a></div>\n"
            f"<h1>{headline}</h1>\n{body}<div class=\"footer\">© 2019 Новости</div>\n"
            "</body></html>\n")


STORY = (
    "Жители города собрались в субботу на площади, чтобы обсудить проект реконструкции"
    " парка, который власти представили на прошлой неделе.",
    "По словам организаторов, на встречу пришли более трёхсот человек; многие принесли"
    " собственные предложения по благоустройству территории.",
    "Администрация обещала рассмотреть все обращения до конца месяца и опубликовать"
    " обновлённый план работ на своём сайте.",
)


def _gzip_bomb(size: int) -> bytes:
    """``size`` bytes of zeros as gzip, made in chunks: about 1,000 to 1."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = b"\0" * (1 << 20)
    out = [comp.compress(chunk) for _ in range(size >> 20)]
    out.append(comp.flush())
    return b"".join(out)


def build(raw: Path, *, max_decompressed_bytes: int = 64 << 20) -> list[Case]:
    """Write the corpus into ``raw`` (created if missing); return its cases."""
    raw.mkdir(parents=True, exist_ok=True)
    cases: list[Case] = []

    def add(name: str | bytes, data: bytes, outcome: str, fragment: str, why: str,
            shown: str | None = None) -> None:
        _write(raw, name, data)
        cases.append(Case(shown or (name if isinstance(name, str) else name.decode()),
                          outcome, fragment, why))

    medportal = (FIX / "medportal_utf8.html").read_bytes()
    seed = SEED.read_bytes()
    story = _page("Жители обсудили реконструкцию парка", *STORY)

    # --- nothing in it
    add("empty/empty.html", b"", "empty", "0 bytes", "a fetch that saved nothing")
    add("empty/whitespace.html", b" \n\t\r\n  \n", "empty", "bytes of whitespace only",
        "blank lines")
    add("empty/nul.html", b"\0" * 4096, "empty", "4096 bytes of NUL",
        "a pre-allocated file never filled")

    # --- binaries under a page name
    png = b"\x89PNG\r\n\x1a\n" + b"\0\0\0\rIHDR" + os.urandom(200)
    add("binary/image.html", png, "binary", "PNG image", "an image saved as the page")
    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + os.urandom(64)
    add("binary/document.html", pdf, "binary", "PDF document", "a PDF saved as the page")

    # --- broken or monstrous HTML
    cut = medportal.rindex(b"<", 0, medportal.index(b"</body>")) + 4  # inside the last tag
    add("html/truncated.html", medportal[:cut], "record", HEADLINE.split()[2],
        "cut mid-tag after the story: the parser recovers and the story is whole")
    para = "<p>Жители собрались на площади, чтобы обсудить проект реконструкции парка.</p>\n"
    big = ("<html><body><h1>Большая страница</h1>" + para * (50_000_000 // len(para.encode()))
           + "</body></html>").encode()
    add("html/fifty_mb.html", big, "too_large", "max_html_elements",
        "50 MB of paragraphs: over the element cap, rejected after the parse")
    deep = ("<html><body>" + "<div>" * 100_000 + "<p>" + STORY[0] + "</p>"
            + "</div>" * 100_000 + "</body></html>").encode()
    add("html/deep.html", deep, "too_large", "nests deeper than 2048 levels",
        "100,000 levels: libxml2 stops at 2048 and the rest would be lost silently")
    bomb_entities = ('<!DOCTYPE html [<!ENTITY a "ААААААААААААААААААААААААААААА">'
                     '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
                     '<!ENTITY x SYSTEM "file:///etc/passwd">]>')
    add("html/entities.html", (bomb_entities + story.replace("<p>", "<p>&b;&x; ", 1)).encode(),
        "record", "реконструкции парка",
        "declared entities are never expanded and external ones never loaded")

    # --- encodings (the real page, re-encoded) and a lying declaration
    for fixture, why in [
        ("medportal_cp1251.html", "cp1251"),
        ("medportal_koi8r.html", "koi8-r"),
        ("medportal_utf16le_bom.html", "UTF-16 LE with BOM"),
        ("medportal_utf16be_bom.html", "UTF-16 BE with BOM"),
        ("medportal_utf16le.html", "UTF-16 LE, no BOM"),
        ("medportal_utf16be.html", "UTF-16 BE, no BOM"),
        ("medportal_koi8r_says_cp1251.html", "KOI8-R bytes, <meta> says cp1251"),
        ("medportal_cp1251_says_utf8.html", "cp1251 bytes, <meta> says UTF-8"),
        ("medportal_utf8_says_cp1251.html", "UTF-8 bytes, <meta> says cp1251"),
    ]:
        add(f"encodings/{fixture}", (FIX / fixture).read_bytes(), "record",
            HEADLINE.split()[2], why)
    text = seed.decode("utf-8")
    add("encodings/dump_cp1251.txt", text.encode("cp1251"), "record", SEED_TEXT,
        "a text dump in cp1251, no declaration")
    add("encodings/dump_koi8r.txt", text.encode("koi8-r", "replace"), "record", SEED_TEXT,
        "a text dump in KOI8-R, no declaration")
    add("encodings/mojibake_utf8_as_cp1251.txt",
        text.encode("utf-8").decode("cp1251", "replace").encode("utf-8"), "record", SEED_TEXT,
        "saved already garbled (UTF-8 shown as cp1251): ftfy repairs it")
    add("encodings/mojibake_koi8r_as_cp1251.txt",
        text.encode("koi8-r", "replace").decode("cp1251", "replace").encode("utf-8"), "undecodable",
        "mojibake", "saved already garbled by a KOI8-R/cp1251 mix-up: ftfy cannot repair it")

    # --- valid pages with little or no story
    items = "".join(f'<li><a href="/news/{i}">Новость номер {i} о событиях в регионе</a>'
                    f" <span>12:{i:02d}</span></li>" for i in range(30))
    index = ("<html><head><title>Новости по тегу: экономика</title></head><body>"
             f"<h1>Экономика</h1><ul>{items}</ul><div class=\"pager\"><a href=\"?p=2\">2</a>"
             "</div></body></html>")
    add("stories/tag_page.html", index.encode(), "no_article", "index",
        "a tag page: a heading and a list of links, no story")
    # Decided: a record. A headline and one sentence is a real story (a news flash, the
    # first version of a breaking item); rejecting it would lose news, and its sentence
    # is prose no rule takes for chrome.
    flash = _page("Сильный снегопад парализовал движение в Москве",
                  "Из-за сильного снегопада в пятницу вечером на дорогах Москвы образовались"
                  " девятибалльные пробки, сообщили в столичном дептрансе.")
    add("stories/flash.html", flash.encode(), "record", "девятибалльные пробки",
        "a headline and a single sentence")

    # --- gzip
    add("gzip/story.html.gz", gzip.compress(story.encode()), "record", "реконструкции парка",
        "a gzipped page is cleaned")
    add("gzip/bomb.html.gz", _gzip_bomb(max_decompressed_bytes + (16 << 20)), "too_large",
        "max_decompressed_bytes", "expands ~1000x, past the decompressed limit")
    add("gzip/not_gzip.html.gz", story.encode(), "bad_gzip", "gzip magic",
        "named .gz, holds plain HTML")

    # --- file system oddities
    os.symlink(".", raw / "loop")  # a folder that holds itself: discovery must end
    os.symlink("self_loop.html", raw / "self_loop.html")  # a link to itself: ELOOP
    cases.append(Case("self_loop.html", "unreadable", "symbolic links",
                      "a symlink that points at itself"))
    add("perm/unreadable.html", story.encode(), "unreadable", "Permission denied",
        "chmod 000 (as root, permissions do not apply: it is read and becomes a record)")
    os.chmod(raw / "perm" / "unreadable.html", 0)
    os.mkfifo(raw / "fifo.html")
    cases.append(Case("fifo.html", "unsupported_type", "not a regular file",
                      "a named pipe: reading it would block the worker"))
    add("names/with space.html", story.encode(), "record", "реконструкции парка", "a space")
    add("names/new\nline.html", story.encode(), "record", "реконструкции парка", "a newline")
    add(b"names/caf\xe9 latin1.html", story.encode(), "record", "реконструкции парка",
        "a name that is not UTF-8", shown="names/caf\\xe9 latin1.html")
    add("names/..html", story.encode(), "record", "реконструкции парка", "dots in a name")

    # --- sidecars
    add("sidecars/broken.html", story.encode(), "bad_sidecar", "not valid UTF-8 JSON",
        "its sidecar is not JSON")
    _write(raw, "sidecars/broken.html.meta.json", b'{"url": "https://a.ru/x", ')
    add("sidecars/wrong_types.html", story.encode(), "bad_sidecar", "'url' must be a string",
        "its sidecar's url is a number")
    _write(raw, "sidecars/wrong_types.html.meta.json", b'{"url": 12345, "site": ["a"]}')
    add("sidecars/escape.html", story.encode(), "record", "реконструкции парка",
        "sidecar fields with ../ and absolute paths: data, never a path")
    _write(raw, "sidecars/escape.html.meta.json",
           b'{"url": "https://../../../../tmp/escape", "site": "../../../../tmp/escape",'
           b' "fetched_at": "2024-03-01T10:00:00"}')
    add("sidecars/bad_fetched_at.html", story.encode(), "bad_sidecar", "not an ISO 8601",
        "its sidecar's fetched_at is a path, not a time: said, not ignored")
    _write(raw, "sidecars/bad_fetched_at.html.meta.json", b'{"fetched_at": "/etc/passwd"}')

    # --- changed under our feet (see after_discovery)
    add("race/vanishes.html", story.encode(), "vanished", "disappeared",
        "deleted between discovery and reading")
    add("race/rewritten.html", b"<p>old</p>", "record", "реконструкции парка",
        "rewritten between discovery and reading: the bytes read are cleaned")
    add("race/emptied.html", story.encode(), "empty", "0 bytes",
        "truncated to nothing between discovery and reading")

    # --- a page slower than its budget (a patched rule sleeps on it)
    add("slow/slow.html", _page("Медленная страница", SLOW_MARKER + " " + STORY[0],
                                *STORY[1:]).encode(),
        "timeout", "per-page budget", "cleaning takes longer than --page-timeout")
    return cases


def after_discovery(raw: Path) -> None:
    """What happens to the corpus while a run is under way (between discovery and reading)."""
    (raw / "race" / "vanishes.html").unlink()
    (raw / "race" / "rewritten.html").write_text(_page("Новая версия", *STORY),
                                                 encoding="utf-8")
    (raw / "race" / "emptied.html").write_bytes(b"")


def running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def expected(case: Case) -> tuple[str, str]:
    """The case's outcome on this machine: as root, chmod 000 does not stop a read."""
    if case.name == "perm/unreadable.html" and running_as_root():
        return "record", "реконструкции парка"
    return case.outcome, case.fragment


def cleanup(raw: Path) -> None:
    """Give permissions back so pytest can remove the tmp folder."""
    path = raw / "perm" / "unreadable.html"
    if path.exists():
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
