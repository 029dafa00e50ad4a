"""GitHub Actions workflow commands: one ``::error``/``::warning``/``::notice`` per finding."""

from __future__ import annotations

from collections.abc import Sequence

from linter.diagnostics import Diagnostic, Severity
from linter.reporters.base import ReportContext, display_code, last_line

COMMANDS = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "notice",
    Severity.STYLE: "notice",
}


def escape_data(text: str) -> str:
    """Escape a command's message the way @actions/core does."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value: as data, plus the ``:`` and ``,`` that delimit properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _properties(diagnostic: Diagnostic) -> str:
    start = diagnostic.span.start
    end_line = last_line(diagnostic)
    pairs = [("file", diagnostic.path), ("line", str(start.line))]
    # GitHub honours columns only when the annotation starts and ends on one line.
    if end_line == start.line:
        end_column = max(diagnostic.span.end.column - 1, start.column)  # inclusive
        pairs += [
            ("col", str(start.column)),
            ("endLine", str(end_line)),
            ("endColumn", str(end_column)),
        ]
    else:
        pairs.append(("endLine", str(end_line)))
    pairs.append(("title", f"{display_code(diagnostic)} {diagnostic.name}"))
    return ",".join(f"{key}={escape_property(value)}" for key, value in pairs)


def render(diagnostics: Sequence[Diagnostic], context: ReportContext) -> str:
    return "".join(
        f"::{COMMANDS[d.severity]} {_properties(d)}::{escape_data(d.message)}\n"
        for d in diagnostics
    )
