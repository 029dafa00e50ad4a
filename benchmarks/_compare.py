"""Shared helpers of the peer-comparison scripts: timing, alias maps, matching, tables.

The comparison scripts run a peer linter and shiplint over a corpus in one invocation each,
translate the peer's rule IDs into shiplint codes through shiplint's own alias lists, and match
findings by file and by an anchor (the instruction or the service a line belongs to), because
the tools do not agree on which line of a multi-line construct to report.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Finding:
    """One finding of one tool, with its code already translated to a shiplint code."""

    code: str
    path: str
    line: int
    anchor: str
    peer_code: str
    message: str


@dataclass(slots=True)
class Tally:
    """Counts for one shiplint code: peer, ours, matched, and the unmatched findings.

    `ours_extra` / `peer_extra` count unmatched findings on an anchor where the other tool
    reported the same code too (one finding per package or command against one per
    instruction); `peer_blind` counts our unmatched findings in files the peer could not read.
    """

    peer: int = 0
    ours: int = 0
    both: int = 0
    same_line: int = 0
    peer_only: list[Finding] = field(default_factory=list)
    ours_only: list[Finding] = field(default_factory=list)
    ours_extra: int = 0
    peer_extra: int = 0
    peer_blind: int = 0


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """What the comparison needs from `shiplint rules --format json`."""

    code: str
    severity: str
    aliases: tuple[str, ...]
    default: bool


def find_shiplint() -> list[str]:
    """The shiplint command: the installed script, else `python -m linter`."""
    exe = shutil.which("shiplint")
    return [exe] if exe else [sys.executable, "-m", "linter"]


def load_rules(shiplint: Sequence[str]) -> dict[str, RuleInfo]:
    """Rule metadata from the CLI, as a user would get it."""
    out = subprocess.run(
        [*shiplint, "rules", "--format", "json"], capture_output=True, text=True, check=True
    ).stdout
    rules: dict[str, RuleInfo] = {}
    for item in json.loads(out):
        rules[item["code"]] = RuleInfo(
            code=item["code"],
            severity=item["severity"],
            aliases=tuple(item["aliases"]),
            default=bool(item.get("enabled_by_default", True)),
        )
    return rules


def alias_map(rules: dict[str, RuleInfo], prefix: str | tuple[str, ...]) -> dict[str, str]:
    """Peer ID -> shiplint code, for the peer IDs that start with `prefix`."""
    mapping: dict[str, str] = {}
    for rule in rules.values():
        for alias in rule.aliases:
            if alias.startswith(prefix):
                mapping[alias] = rule.code
    return mapping


def timed(
    cmd: Sequence[str], cwd: Path, runs: int
) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Best wall time of `runs` executions (the machine is shared) and the last result."""
    best = float("inf")
    result: subprocess.CompletedProcess[str] | None = None
    for _ in range(max(1, runs)):
        start = time.perf_counter()
        result = subprocess.run(list(cmd), cwd=cwd, capture_output=True, text=True, check=False)
        best = min(best, time.perf_counter() - start)
    assert result is not None
    return best, result


def match(
    peer: Iterable[Finding], ours: Iterable[Finding], blind: frozenset[str] = frozenset()
) -> dict[str, Tally]:
    """Pair findings with the same code, file and anchor; exact lines are paired first.

    `blind` holds the files the peer could not parse: our findings there are counted apart.
    """
    buckets: dict[tuple[str, str, str], tuple[list[Finding], list[Finding]]] = defaultdict(
        lambda: ([], [])
    )
    for finding in peer:
        buckets[(finding.code, finding.path, finding.anchor)][0].append(finding)
    for finding in ours:
        buckets[(finding.code, finding.path, finding.anchor)][1].append(finding)
    tallies: dict[str, Tally] = defaultdict(Tally)
    for (code, path, _anchor), (theirs, mine) in buckets.items():
        tally = tallies[code]
        tally.peer += len(theirs)
        tally.ours += len(mine)
        left = list(theirs)
        rest: list[Finding] = []
        for finding in mine:
            twin = next((t for t in left if t.line == finding.line), None)
            if twin is not None:
                left.remove(twin)
                tally.same_line += 1
                tally.both += 1
            else:
                rest.append(finding)
        paired = min(len(left), len(rest))
        tally.both += paired
        left, rest = left[paired:], rest[paired:]
        if mine:
            tally.peer_extra += len(left)
        else:
            tally.peer_only.extend(left)
        if theirs:
            tally.ours_extra += len(rest)
        elif path in blind:
            tally.peer_blind += len(rest)
        else:
            tally.ours_only.extend(rest)
    return dict(tallies)


def print_table(
    title: str, tallies: dict[str, Tally], labels: dict[str, str], peer_name: str, examples: int
) -> None:
    """Per-code table (both / peer-only / shiplint-only), then a few unmatched examples.

    Columns: findings of each tool; `both` matched on the same anchor (`line=` of them on the
    very same line); `+peer`/`+ours` extra findings on an anchor both tools flagged;
    `blind` ours in files the peer could not parse; then the real disagreements.
    """
    print(f"\n## {title}\n")
    print(
        f"{'code':<14} {'aliases':<30} {peer_name[:8]:>8} {'shiplint':>8} {'both':>6} {'line=':>6}"
        f" {'+peer':>6} {'+ours':>6} {'blind':>6} {'peer-only':>9} {'ours-only':>9}"
    )
    totals = Tally()
    for code in sorted(tallies):
        t = tallies[code]
        print(
            f"{code:<14} {labels.get(code, '')[:30]:<30} {t.peer:>8} {t.ours:>8} {t.both:>6}"
            f" {t.same_line:>6} {t.peer_extra:>6} {t.ours_extra:>6} {t.peer_blind:>6}"
            f" {len(t.peer_only):>9} {len(t.ours_only):>9}"
        )
        totals.peer += t.peer
        totals.ours += t.ours
        totals.both += t.both
        totals.same_line += t.same_line
        totals.peer_extra += t.peer_extra
        totals.ours_extra += t.ours_extra
        totals.peer_blind += t.peer_blind
        totals.peer_only.extend(t.peer_only)
        totals.ours_only.extend(t.ours_only)
    print(
        f"{'TOTAL':<14} {'':<30} {totals.peer:>8} {totals.ours:>8} {totals.both:>6}"
        f" {totals.same_line:>6} {totals.peer_extra:>6} {totals.ours_extra:>6}"
        f" {totals.peer_blind:>6} {len(totals.peer_only):>9} {len(totals.ours_only):>9}"
    )
    if examples <= 0:
        return
    for code in sorted(tallies):
        t = tallies[code]
        for side, items in ((f"{peer_name}-only", t.peer_only), ("shiplint-only", t.ours_only)):
            for f in items[:examples]:
                print(f"  {code} {side}: {f.path}:{f.line} [{f.peer_code}] {f.message[:110]}")


def print_counts(title: str, counts: dict[str, int]) -> None:
    """A two-column table of counts, largest first."""
    if not counts:
        return
    print(f"\n## {title}\n")
    for key, value in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"{key:<40} {value:>6}")


def speed_line(name: str, seconds: float, reference: float | None) -> str:
    """`name  1.23 s  (4.5x faster than the reference)`."""
    text = f"{name:<40} {seconds:8.2f} s"
    if reference:
        ratio = reference / seconds if seconds else float("inf")
        text += f"   x{ratio:.1f} vs peer" if ratio >= 1 else f"   {1 / ratio:.1f}x slower"
    return text
