"""The human format: a header per finding, a code frame under it, and a summary line.

Columns are characters; the frame lines up carets by display width (tabs expand to the next
multiple of four, East Asian wide characters take two cells, combining marks none).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from linter.diagnostics import Applicability, Diagnostic, Severity
from linter.reporters.base import (
    ReportContext,
    SourceLines,
    display_code,
    last_line,
    plural,
    severity_counts,
)

CONTEXT_LINES = 1  # lines shown above and below the flagged ones
MAX_SPAN_LINES = 6  # longer spans show their head and tail around an ellipsis
TAB_WIDTH = 4

RESET = "\x1b[0m"
BOLD = "\x1b[1m"
GUTTER = "\x1b[34m"
FIX = "\x1b[32m"
SEVERITY_COLOURS = {
    Severity.ERROR: "\x1b[1;31m",
    Severity.WARNING: "\x1b[1;33m",
    Severity.INFO: "\x1b[1;36m",
    Severity.STYLE: "\x1b[1;35m",
}


class _Paint:
    """Wraps text in ANSI codes only when colour is on."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, code: str, text: str) -> str:
        return f"{code}{text}{RESET}" if self.enabled and text else text


def _sanitize(text: str) -> str:
    """Replace control characters so file contents cannot drive the terminal.

    A message of several lines keeps them, indented under its header.
    """
    if text.isprintable():  # the common case: no control character, one line
        return text
    lines = (
        "".join("\ufffd" if ord(c) < 32 or ord(c) == 127 else c for c in line)
        for line in text.splitlines()
    )
    return "\n  ".join(lines)


def _cells(text: str) -> tuple[str, list[int]]:
    """The display text of a source line and the display column where each character starts.

    The list has one more entry than ``text`` has characters: the width of the whole line.
    """
    if text.isascii() and text.isprintable():  # the common case: one cell per character
        return text, list(range(len(text) + 1))
    shown: list[str] = []
    offsets: list[int] = []
    width = 0
    for char in text:
        offsets.append(width)
        if char == "\t":
            pad = TAB_WIDTH - width % TAB_WIDTH
            shown.append(" " * pad)
            width += pad
            continue
        if ord(char) < 32 or ord(char) == 127:
            char = "\ufffd"
        shown.append(char)
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    offsets.append(width)
    return "".join(shown), offsets


def _underline(offsets: list[int], first: int, last: int) -> tuple[int, int]:
    """Display columns (start, width) under characters ``first``..``last`` (0-based, exclusive)."""
    length = len(offsets) - 1
    first = min(max(first, 0), length)
    last = min(max(last, first), length)
    start = offsets[first]
    if last == first:
        return start, 1  # an empty span or one past the end: a single caret
    return start, max(offsets[last] - start, 1)


def _line_marks(diagnostic: Diagnostic, number: int, text: str) -> tuple[int, int] | None:
    """Which characters of line ``number`` the span covers, 0-based, end exclusive."""
    span = diagnostic.span
    end_line = last_line(diagnostic)
    if not span.start.line <= number <= end_line:
        return None
    indent = len(text) - len(text.lstrip())
    first = span.start.column - 1 if number == span.start.line else indent
    last = span.end.column - 1 if number == span.end.line else len(text)
    return first, last


def _frame(diagnostic: Diagnostic, source: SourceLines, paint: _Paint) -> tuple[list[str], int]:
    """The code frame's lines and its gutter width (0 when the source line is unknown)."""
    start_line = diagnostic.span.start.line
    if source.line(start_line) is None:
        return [], 0
    end_line = last_line(diagnostic)
    numbers = list(range(start_line, end_line + 1))
    if len(numbers) > MAX_SPAN_LINES:
        head = MAX_SPAN_LINES // 2
        numbers = [*numbers[:head], 0, *numbers[-(MAX_SPAN_LINES - head - 1) :]]
    before = [n for n in range(start_line - CONTEXT_LINES, start_line) if n >= 1]
    after = [
        n for n in range(end_line + 1, end_line + 1 + CONTEXT_LINES) if source.line(n) is not None
    ]
    shown = [n for n in before + numbers + after if n == 0 or source.line(n) is not None]
    gutter = len(str(max(shown)))
    colour = SEVERITY_COLOURS[diagnostic.severity]
    bar = paint(GUTTER, " " * gutter + " |")
    lines = [bar]
    for number in shown:
        if number == 0:
            lines.append(paint(GUTTER, "." * gutter + " |"))
            continue
        text = source.line(number) or ""
        display, offsets = _cells(text)
        prefix = paint(GUTTER, f"{number:>{gutter}} |")
        lines.append(f"{prefix} {display}".rstrip())
        marks = _line_marks(diagnostic, number, text)
        if marks is not None:
            start, width = _underline(offsets, *marks)
            lines.append(f"{bar} {' ' * start}{paint(colour, '^' * width)}")
    return lines, gutter


def _header(diagnostic: Diagnostic, paint: _Paint) -> str:
    start = diagnostic.span.start
    colour = SEVERITY_COLOURS[diagnostic.severity]
    location = paint(BOLD, f"{diagnostic.path}:{start.line}:{start.column}:")
    code = paint(colour, display_code(diagnostic))
    severity = paint(colour, f"[{diagnostic.severity.value}]")
    return f"{location} {code} {severity} {_sanitize(diagnostic.message)}"


def _fix_hint(diagnostic: Diagnostic, paint: _Paint, gutter: int) -> str | None:
    if diagnostic.fix is None:
        return None
    unsafe = diagnostic.fix.applicability is Applicability.UNSAFE
    label = "unsafe fix available" if unsafe else "fix available"
    return f"{' ' * (gutter + 1)}= {paint(FIX, label)}: {_sanitize(diagnostic.fix.title)}"


def summary(diagnostics: Sequence[Diagnostic]) -> str:
    """``Found N problems (...)`` with per-severity counts and how many --fix can repair."""
    if not diagnostics:
        return "No problems found."
    counts = severity_counts(diagnostics)
    words = {Severity.ERROR: "error", Severity.WARNING: "warning"}
    parts = [
        plural(count, words[severity]) if severity in words else f"{count} {severity.value}"
        for severity, count in counts.items()
        if count
    ]
    text = f"Found {plural(len(diagnostics), 'problem')} ({', '.join(parts)})."
    safe = sum(1 for d in diagnostics if d.fix and d.fix.applicability is Applicability.SAFE)
    unsafe = sum(1 for d in diagnostics if d.fix and d.fix.applicability is Applicability.UNSAFE)
    if safe:
        text += f" {safe} fixable with --fix."
    if unsafe:
        text += f" {unsafe} more with --unsafe-fixes."
    return text


def render(diagnostics: Sequence[Diagnostic], context: ReportContext) -> str:
    paint = _Paint(context.color)
    cache: dict[str, SourceLines] = {}
    blocks: list[str] = []
    for diagnostic in diagnostics:
        source = cache.get(diagnostic.path)
        if source is None:
            source = cache[diagnostic.path] = SourceLines.of(context.sources.get(diagnostic.path))
        frame, gutter = _frame(diagnostic, source, paint)
        lines = [_header(diagnostic, paint), *frame]
        hint = _fix_hint(diagnostic, paint, gutter)
        if hint is not None:
            lines.append(hint)
        blocks.append("\n".join(lines) + "\n")
    return "\n".join([*blocks, paint(BOLD, summary(diagnostics))]) + "\n"
