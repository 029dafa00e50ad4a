"""A JSON list of findings with the same fields SARIF carries, in a stable key order."""

from __future__ import annotations

import json
from collections.abc import Sequence

from linter.diagnostics import Diagnostic, Fix
from linter.reporters.base import ReportContext


def fix_to_json(fix: Fix | None) -> dict[str, object] | None:
    if fix is None:
        return None
    return {
        "title": fix.title,
        "applicability": fix.applicability.value,
        "edits": [
            {
                "line": edit.span.start.line,
                "column": edit.span.start.column,
                "end_line": edit.span.end.line,
                "end_column": edit.span.end.column,
                "text": edit.text,
            }
            for edit in fix.edits
        ],
    }


def diagnostic_to_json(diagnostic: Diagnostic, context: ReportContext) -> dict[str, object]:
    rule = context.rules.get(diagnostic.code)
    span = diagnostic.span
    return {
        "path": diagnostic.path,
        "code": diagnostic.code,
        "subcode": diagnostic.subcode,
        "name": diagnostic.name,
        "message": diagnostic.message,
        "severity": diagnostic.severity.value,
        "line": span.start.line,
        "column": span.start.column,
        "end_line": span.end.line,
        "end_column": span.end.column,
        "fix": fix_to_json(diagnostic.fix),
        "aliases": list(rule.aliases) if rule is not None else [],
        "tags": list(rule.tags) if rule is not None else [],
    }


def render(diagnostics: Sequence[Diagnostic], context: ReportContext) -> str:
    """A list of findings; with ``--statistics``, an object of ``findings`` and
    ``statistics``."""
    payload: object = [diagnostic_to_json(d, context) for d in diagnostics]
    if context.statistics:
        from linter.reporters.statistics import statistics

        payload = {"findings": payload, "statistics": statistics(diagnostics)}
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
