"""What Winnow makes of a list of pages, as JSON: run once in-process and once in a
child with ``WINNOW_NATIVE=0``, it tells whether the compiled text path and the pure
modules agree (tests/test_native.py).

Usage: python tests/helpers/parity.py PAGE... (prints the JSON)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

VOLATILE = ("processed_at", "cleaned_at", "timings")  # differ between any two runs


def outcomes(paths: list[Path]) -> dict[str, object]:
    """Per page, the record (less the run's times) and every block's label, rule and
    note; or the reject. Plus whether the compiled modules were in use."""
    from cleaners import Rejected, analyse_page, clean_page, native

    out: dict[str, object] = {"_native": native.status().active}
    for path in paths:
        data = path.read_bytes()
        fmt = "text" if path.suffix == ".txt" or path.parent.parent.name.endswith("-text") \
            else None
        try:
            record = clean_page(data, source_path=str(path), input_format=fmt)
        except Rejected as exc:
            out[str(path)] = f"rejected: {exc}"
            continue
        dump = record.model_dump(mode="json")
        for key in VOLATILE:
            dump.pop(key, None)
        dump["_blocks"] = [(b.label, b.rule, b.note)
                           for b in analyse_page(data, input_format=fmt).blocks]
        out[str(path)] = dump
    return out


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    print(json.dumps(outcomes([Path(p) for p in sys.argv[1:]]), ensure_ascii=False))
