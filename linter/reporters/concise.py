"""``path:line:col: CODE message``, one finding per line (gcc style, for editor wrappers)."""

from __future__ import annotations

from collections.abc import Sequence

from linter.diagnostics import Diagnostic
from linter.reporters.base import ReportContext


def _one_line(text: str) -> str:
    # A wrapper matches one finding per line; a newline in a message would split it in two.
    return " ".join(text.splitlines())


def render(diagnostics: Sequence[Diagnostic], context: ReportContext) -> str:
    lines = [
        f"{d.path}:{d.span.start.line}:{d.span.start.column}: {d.code} {_one_line(d.message)}"
        for d in diagnostics
    ]
    return "".join(line + "\n" for line in lines)
