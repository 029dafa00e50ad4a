"""Value types shared by every layer: positions, spans, edits, fixes and findings.

All of them are frozen so that nothing a rule yields can be changed behind its back.
"""

from __future__ import annotations

import enum

from linter.records import field, record


@record(order=True, compiled=True)
class Position:
    """A 1-based line and a 1-based column counted in characters."""

    line: int
    column: int


@record(order=True, compiled=True)
class Span:
    """A range of text; ``end`` is exclusive."""

    start: Position
    end: Position

    @classmethod
    def of(cls, line: int, column: int, end_line: int, end_column: int) -> Span:
        return cls(Position(line, column), Position(end_line, end_column))

    @classmethod
    def line(cls, line: int, length: int = 0) -> Span:
        """The span of a whole line of ``length`` characters."""
        return cls(Position(line, 1), Position(line, length + 1))


class Applicability(enum.Enum):
    SAFE = "safe"
    UNSAFE = "unsafe"


@record(compiled=True)
class Edit:
    """Replace the text of ``span`` with ``text`` (an empty span inserts)."""

    span: Span
    text: str


@record(compiled=True)
class Fix:
    title: str
    edits: tuple[Edit, ...]
    applicability: Applicability = Applicability.SAFE


class Severity(enum.Enum):
    """hadolint's four levels, most severe first."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    STYLE = "style"

    @property
    def rank(self) -> int:
        """Higher is more severe; used for --fail-level comparisons."""
        return _SEVERITY_RANK[self]

    @property
    def sarif_level(self) -> str:
        return {"error": "error", "warning": "warning"}.get(self.value, "note")

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls(text.strip().lower())
        except ValueError:
            allowed = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown severity {text!r} (expected one of {allowed})") from None


_SEVERITY_RANK = {Severity.ERROR: 4, Severity.WARNING: 3, Severity.INFO: 2, Severity.STYLE: 1}


@record(compiled=True)
class Diagnostic:
    """One finding of one rule in one file."""

    path: str
    code: str
    name: str
    message: str
    severity: Severity
    span: Span
    fix: Fix | None = field(default=None, compare=False)
    # A finer code inside the rule, e.g. ShellCheck's "SC2086" under the shellcheck rule;
    # select, ignore and suppressions match it too.
    subcode: str | None = None

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.span.start.line, self.span.start.column, self.code)
