"""Applying fixes as text edits that keep every byte they do not touch.

Fixing re-lints until nothing changes (with a cap), and keeps a file's fixes only when the
result still parses at least as well as the original.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence

from linter.diagnostics import Applicability, Diagnostic, Edit, Fix, Position
from linter.records import field, record

MAX_ROUNDS = 10
PARSE_ERROR_CODES = frozenset({"DF001", "DC001"})


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for index, char in enumerate(text):
        if char == "\n":
            starts.append(index + 1)
    return starts


def offset_of(text: str, position: Position, starts: list[int] | None = None) -> int:
    """Character offset of a 1-based (line, column) position, clamped to the text."""
    starts = starts or _line_starts(text)
    if position.line < 1:
        return 0
    if position.line > len(starts):
        return len(text)
    start = starts[position.line - 1]
    line_end = starts[position.line] - 1 if position.line < len(starts) else len(text)
    if line_end > start and text[line_end - 1] == "\r":
        line_end -= 1
    return min(start + max(position.column - 1, 0), line_end if position.line < len(starts)
               else len(text))


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """Apply non-overlapping edits (overlaps with an earlier edit are skipped)."""
    starts = _line_starts(text)
    ranges = sorted(
        ((offset_of(text, e.span.start, starts), offset_of(text, e.span.end, starts), e.text)
         for e in edits),
        key=lambda r: (r[0], r[1]),
    )
    pieces: list[str] = []
    cursor = 0
    for start, end, replacement in ranges:
        if start < cursor:
            continue
        pieces.append(text[cursor:start])
        pieces.append(replacement)
        cursor = max(end, start)
    pieces.append(text[cursor:])
    return "".join(pieces)


def eligible(fix: Fix | None, unsafe: bool) -> bool:
    return fix is not None and (unsafe or fix.applicability is Applicability.SAFE)


def apply_fixes(text: str, diagnostics: Sequence[Diagnostic], unsafe: bool) -> tuple[str, int]:
    """Apply each eligible finding's whole fix, skipping fixes that overlap a chosen one."""
    chosen: list[Edit] = []
    taken: list[tuple[Position, Position]] = []
    count = 0
    for diagnostic in diagnostics:
        fix = diagnostic.fix
        if fix is None or not eligible(fix, unsafe):
            continue
        spans = [(e.span.start, e.span.end) for e in fix.edits]
        if any(_overlaps(a, b) for a in spans for b in taken):
            continue
        taken.extend(spans)
        chosen.extend(fix.edits)
        count += 1
    if not chosen:
        return text, 0
    return apply_edits(text, chosen), count


def _overlaps(a: tuple[Position, Position], b: tuple[Position, Position]) -> bool:
    if a[0] == a[1] and b[0] == b[1]:  # two insertions only clash at the same point
        return a[0] == b[0]
    if a[0] == a[1] or b[0] == b[1]:
        # An insertion inside or at either end of a replaced range was computed for the old
        # text there (an indentation, a position): it waits for the next round.
        point, (start, end) = (a[0], b) if a[0] == a[1] else (b[0], a)
        return not (point < start or end < point)
    return a[0] < b[1] and b[0] < a[1]


@record(frozen=False)
class FixOutcome:
    original: str
    fixed: str
    applied: int = 0
    remaining: list[Diagnostic] = field(default_factory=list)
    rejected: str | None = None  # why the fixes were dropped, if they were

    @property
    def changed(self) -> bool:
        return self.fixed != self.original


def fix_text(text: str, lint: Callable[[str], list[Diagnostic]], unsafe: bool) -> FixOutcome:
    """Lint, fix, and lint again until nothing changes or MAX_ROUNDS is reached."""
    first = lint(text)
    baseline_errors = sum(1 for d in first if d.code in PARSE_ERROR_CODES)
    current, diagnostics, applied = text, first, 0
    for _ in range(MAX_ROUNDS):
        updated, count = apply_fixes(current, diagnostics, unsafe)
        if count == 0 or updated == current:
            break
        after = lint(updated)
        if sum(1 for d in after if d.code in PARSE_ERROR_CODES) > baseline_errors:
            return FixOutcome(text, text, 0, first,
                              "the fixes would make the file unparseable; nothing was changed")
        current, diagnostics, applied = updated, after, applied + count
    return FixOutcome(text, current, applied, diagnostics)


def unified_diff(path: str, before: str, after: str) -> str:
    return "".join(difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True),
        fromfile=f"a/{path}", tofile=f"b/{path}",
    ))
