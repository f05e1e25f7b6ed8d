"""The site profiles folder: ``profiles/<site>.toml``, read and validated once at start-up.

Every file is validated before any page is cleaned (``cleaners.profiles``): one bad
profile stops the run with its file and key named, rather than leaving its site
silently cleaned without it. The cleaner is handed each page's profile, never the
folder.
"""

from __future__ import annotations

from pathlib import Path

from cleaners import ProfileError, SiteProfile, profile_from_toml

DEFAULT_DIR = "profiles"  # used when present and no --profiles is given


def load_profiles(folder: str | Path) -> dict[str, SiteProfile]:
    """{site: profile} for every ``*.toml`` in ``folder`` (the file's stem is the site);
    ``ProfileError`` naming the file and key of the first bad one, or for a folder that
    does not exist."""
    root = Path(folder)
    if not root.is_dir():
        raise ProfileError(f"{root}: no such profiles folder")
    out: dict[str, SiteProfile] = {}
    for path in sorted(root.glob("*.toml")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ProfileError(f"{path}: cannot read: {exc}") from exc
        out[path.stem] = profile_from_toml(text, site=path.stem, source=str(path))
    return out


def profiles_folder(given: str | None, cwd: Path | None = None) -> str | None:
    """The profiles folder to use: ``given``, else ./profiles where it exists, else None."""
    if given:
        return given
    default = (cwd or Path.cwd()) / DEFAULT_DIR
    return str(default) if default.is_dir() else None
