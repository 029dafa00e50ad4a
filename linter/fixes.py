"""Applying fixes as text edits that keep every byte they do not touch.

Fixes are applied in rounds, as ruff does: each round applies every eligible fix whose edits
stay clear of the fixes already chosen in that round, then the text is parsed and linted
again, so fixes that collided (two rules editing the same lines) land in a later round on
fresh positions. A round that would make the file worse (a new syntax, schema or internal
error) is retried one fix at a time, and only the fixes that do the damage are refused.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence

from linter.builtin_codes import UNUSED_SUPPRESSION, about_the_input, role_of
from linter.diagnostics import Applicability, Diagnostic, Edit, Fix, Position
from linter.records import field, record

MAX_ROUNDS = 10


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
    return min(
        start + max(position.column - 1, 0), line_end if position.line < len(starts) else len(text)
    )


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """Apply non-overlapping edits (an edit overlapping an earlier one is skipped)."""
    starts = _line_starts(text)
    ranges = sorted(
        (
            (offset_of(text, e.span.start, starts), offset_of(text, e.span.end, starts), e.text)
            for e in edits
        ),
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


def compatible_fixes(
    diagnostics: Sequence[Diagnostic],
    unsafe: bool,
    skip: Callable[[Diagnostic], bool] = lambda _: False,
) -> list[Diagnostic]:
    """The findings whose fixes one round applies: each eligible fix, in report order, whose
    edits neither overlap nor touch an edit of a fix chosen before it.

    Touching counts (an insertion at either end of a replaced range, two insertions at one
    point): both fixes were computed on the same text, so the second may assume what the
    first replaces. It waits for the next round, where it is computed again.
    """
    chosen: list[Diagnostic] = []
    taken: list[tuple[Position, Position]] = []
    for diagnostic in diagnostics:
        fix = diagnostic.fix
        if fix is None or not eligible(fix, unsafe) or skip(diagnostic):
            continue
        spans = [(e.span.start, e.span.end) for e in fix.edits]
        if any(_collide(a, b) for a in spans for b in taken):
            continue
        taken.extend(spans)
        chosen.append(diagnostic)
    return chosen


def apply_fixes(text: str, diagnostics: Sequence[Diagnostic], unsafe: bool) -> tuple[str, int]:
    """Apply the fixes of one round (see :func:`compatible_fixes`); returns the text and how
    many fixes it applied."""
    chosen = compatible_fixes(diagnostics, unsafe)
    if not chosen:
        return text, 0
    return _apply(text, chosen), len(chosen)


def _apply(text: str, chosen: Sequence[Diagnostic]) -> str:
    return apply_edits(text, [edit for d in chosen if d.fix for edit in d.fix.edits])


def _collide(a: tuple[Position, Position], b: tuple[Position, Position]) -> bool:
    """Whether two edit ranges overlap or touch (closed intervals)."""
    return a[0] <= b[1] and b[0] <= a[1]


def damage(diagnostics: Sequence[Diagnostic]) -> int:
    """How broken a text is: its syntax, schema and internal-error findings (codes DF0xx and
    DC0xx). A fix must never raise this count; it may leave a suppression unused."""
    return sum(
        1 for d in diagnostics if about_the_input(d.code) and role_of(d.code) != UNUSED_SUPPRESSION
    )


def _key(diagnostic: Diagnostic) -> tuple[str, str, str]:
    """A finding told apart across rounds, whose positions move as other fixes land."""
    return diagnostic.code, diagnostic.message, diagnostic.fix.title if diagnostic.fix else ""


@record(frozen=False)
class FixOutcome:
    original: str
    fixed: str
    applied: int = 0
    remaining: list[Diagnostic] = field(default_factory=list)
    # findings whose fix would have made the file worse: a bug of that rule's fix
    refused: list[Diagnostic] = field(default_factory=list)
    settled: bool = True  # False when fixes were still pending after MAX_ROUNDS

    @property
    def changed(self) -> bool:
        return self.fixed != self.original


def fix_text(
    text: str, lint: Callable[[str], list[Diagnostic]], unsafe: bool, max_rounds: int = MAX_ROUNDS
) -> FixOutcome:
    """Lint, fix, and lint again until no fix is left or ``max_rounds`` rounds have run."""
    current, diagnostics = text, lint(text)
    applied = 0
    refused: list[Diagnostic] = []
    refused_keys: set[tuple[str, str, str]] = set()

    def skip(diagnostic: Diagnostic) -> bool:
        return _key(diagnostic) in refused_keys

    for _ in range(max_rounds):
        chosen = compatible_fixes(diagnostics, unsafe, skip)
        if not chosen:
            return FixOutcome(text, current, applied, diagnostics, refused)
        updated = _apply(current, chosen)
        after = lint(updated) if updated != current else diagnostics
        if damage(after) > damage(diagnostics):
            # Find the culprits: keep each fix of the round that does no harm with the ones
            # kept before it; refuse the others for the rest of the run.
            before = damage(diagnostics)
            kept: list[Diagnostic] = []
            updated, after = current, diagnostics
            for diagnostic in chosen:
                trial = _apply(current, [*kept, diagnostic])
                trial_diagnostics = lint(trial)
                if damage(trial_diagnostics) > before:
                    refused.append(diagnostic)
                    refused_keys.add(_key(diagnostic))
                else:
                    kept.append(diagnostic)
                    updated, after = trial, trial_diagnostics
            chosen = kept
        if updated == current and not chosen:
            continue  # every fix of the round was refused: the next round tries the rest
        if updated == current:  # fixes that change nothing would be chosen again forever
            return FixOutcome(text, current, applied, diagnostics, refused)
        current, diagnostics, applied = updated, after, applied + len(chosen)
    pending = bool(compatible_fixes(diagnostics, unsafe, skip))
    return FixOutcome(text, current, applied, diagnostics, refused, settled=not pending)


def unified_diff(path: str, before: str, after: str) -> str:
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile=f"a/{path}",
            tofile=f"b/{path}",
        )
    )
