"""What each rule removed: the counters a run summary sums and prints.

datatrove's steps each keep their own counters and the pipeline sums them; here the
engine labels blocks and names the rule on each, so one page's counts are read off its
blocks once they are labelled, and a run adds its pages' tallies up, per run and per site.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from cleaners.blocks import DROPPED, Block


@dataclass(slots=True)
class RuleTally:
    """Blocks and raw lines each rule took out of the story (labelled chrome or metadata)."""

    blocks: Counter[str] = field(default_factory=Counter)
    lines: Counter[str] = field(default_factory=Counter)

    def add_page(self, blocks: Iterable[Block]) -> None:
        """Count the removed blocks of one labelled page, and the lines they stood on."""
        for b in blocks:
            if b.rule and b.label in DROPPED:
                self.blocks[b.rule] += 1
                self.lines[b.rule] += b.raw.count("\n") + 1

    def update(self, other: RuleTally) -> None:
        """Add another tally (a batch's, a page's) to this one."""
        self.blocks.update(other.blocks)
        self.lines.update(other.lines)

    def as_dict(self) -> dict[str, dict[str, int]]:
        """``{rule: {"blocks": n, "lines": m}}``, the rules that removed most first."""
        return {rule: {"blocks": n, "lines": self.lines[rule]}
                for rule, n in sorted(self.blocks.items(), key=lambda kv: (-kv[1], kv[0]))}

    @classmethod
    def from_dict(cls, data: Mapping[str, Mapping[str, int]]) -> RuleTally:
        """The tally ``as_dict`` wrote (a run summary read back)."""
        tally = cls()
        for rule, n in data.items():
            tally.blocks[rule] = int(n.get("blocks", 0))
            tally.lines[rule] = int(n.get("lines", 0))
        return tally

    def __bool__(self) -> bool:
        return bool(self.blocks)
