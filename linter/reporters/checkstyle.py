"""Checkstyle XML, read by Jenkins warnings-ng, reviewdog and many CI dashboards."""

from __future__ import annotations

from collections.abc import Sequence

from linter.diagnostics import Diagnostic, Severity
from linter.reporters import _xml
from linter.reporters.base import ReportContext, group_by_path

# Checkstyle knows error, warning, info and ignore.
SEVERITIES = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "info",
    Severity.STYLE: "info",
}


def _error(diagnostic: Diagnostic) -> str:
    start = diagnostic.span.start
    source = f"shiplint.{diagnostic.code}"
    if diagnostic.subcode:
        source += f".{diagnostic.subcode}"
    return (
        f"    <error line={_xml.attribute(start.line)} column={_xml.attribute(start.column)}"
        f" severity={_xml.attribute(SEVERITIES[diagnostic.severity])}"
        f" message={_xml.attribute(diagnostic.message)} source={_xml.attribute(source)}/>\n"
    )


def render(diagnostics: Sequence[Diagnostic], context: ReportContext) -> str:
    parts = [_xml.HEADER, '<checkstyle version="4.3">\n']
    for path, findings in group_by_path(diagnostics):
        parts.append(f"  <file name={_xml.attribute(path)}>\n")
        parts.extend(_error(d) for d in findings)
        parts.append("  </file>\n")
    parts.append("</checkstyle>\n")
    return "".join(parts)
