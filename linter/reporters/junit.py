"""JUnit XML: a test suite per file and a failing test case per finding.

CI systems that only understand test reports (Jenkins, Azure, GitLab's test widget) show
lint findings this way; a clean run is one passing test case so the report is never empty.
"""

from __future__ import annotations

from collections.abc import Sequence

from linter.diagnostics import Diagnostic
from linter.reporters import _xml
from linter.reporters.base import ReportContext, display_code, group_by_path


def _testcase(diagnostic: Diagnostic) -> str:
    start = diagnostic.span.start
    code = display_code(diagnostic)
    name = f"{code} {diagnostic.name} ({start.line}:{start.column})"
    detail = (
        f"{diagnostic.path}:{start.line}:{start.column}: {code} "
        f"[{diagnostic.severity.value}] {diagnostic.message}"
    )
    return (
        f"    <testcase name={_xml.attribute(name)} classname={_xml.attribute(diagnostic.path)}>\n"
        f"      <failure message={_xml.attribute(diagnostic.message)}"
        f" type={_xml.attribute(diagnostic.severity.value)}>{_xml.text(detail)}</failure>\n"
        "    </testcase>\n"
    )


def render(diagnostics: Sequence[Diagnostic], context: ReportContext) -> str:
    total = len(diagnostics)
    parts = [_xml.HEADER]
    if not diagnostics:
        parts += [
            '<testsuites name="shiplint" tests="1" failures="0" errors="0">\n',
            '  <testsuite name="shiplint" tests="1" failures="0" errors="0">\n',
            '    <testcase name="no problems found" classname="shiplint"/>\n',
            "  </testsuite>\n",
            "</testsuites>\n",
        ]
        return "".join(parts)
    parts.append(f'<testsuites name="shiplint" tests="{total}" failures="{total}" errors="0">\n')
    for path, findings in group_by_path(diagnostics):
        count = len(findings)
        parts.append(
            f'  <testsuite name={_xml.attribute(path)} tests="{count}"'
            f' failures="{count}" errors="0">\n'
        )
        parts.extend(_testcase(d) for d in findings)
        parts.append("  </testsuite>\n")
    parts.append("</testsuites>\n")
    return "".join(parts)
