"""GitLab Code Quality report (a Code Climate subset) for merge-request widgets."""

from __future__ import annotations

import json
from collections.abc import Sequence

from linter.diagnostics import Diagnostic, Severity
from linter.reporters.base import ReportContext, display_code, last_line
from linter.reporters.fingerprint import fingerprints

SEVERITIES = {
    Severity.ERROR: "critical",
    Severity.WARNING: "major",
    Severity.INFO: "minor",
    Severity.STYLE: "info",
}


def _issue(diagnostic: Diagnostic, fingerprint: str) -> dict[str, object]:
    code = display_code(diagnostic)
    return {
        "description": f"{code} {diagnostic.name}: {diagnostic.message}",
        "check_name": code,
        "fingerprint": fingerprint,
        "severity": SEVERITIES[diagnostic.severity],
        "location": {
            "path": diagnostic.path.replace("\\", "/"),
            "lines": {"begin": diagnostic.span.start.line, "end": last_line(diagnostic)},
        },
    }


def render(diagnostics: Sequence[Diagnostic], context: ReportContext) -> str:
    issues = [
        _issue(d, fingerprint)
        for d, fingerprint in zip(
            diagnostics, fingerprints(diagnostics, context.sources), strict=True
        )
    ]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
