"""``--statistics``: counts per rule, per severity and of what ``--fix`` would change.

One computation for every format: JSON and SARIF carry :func:`statistics` in the report
itself, the text formats print :func:`table` after their findings.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from linter.diagnostics import Applicability, Diagnostic
from linter.reporters.base import severity_counts


def _fixes(diagnostics: Sequence[Diagnostic]) -> tuple[int, int]:
    """How many findings ``--fix`` fixes, and how many more ``--unsafe-fixes`` does."""
    safe = sum(1 for d in diagnostics if d.fix and d.fix.applicability is Applicability.SAFE)
    unsafe = sum(1 for d in diagnostics if d.fix and d.fix.applicability is Applicability.UNSAFE)
    return safe, unsafe


def statistics(diagnostics: Sequence[Diagnostic]) -> dict[str, Any]:
    """The counts as JSON-ready data: totals, per severity, fixable, and one entry per rule
    (per rule and severity, when a severity override or a subcode splits a rule), most
    frequent first."""
    groups: dict[tuple[str, str, str], list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        key = (diagnostic.code, diagnostic.name, diagnostic.severity.value)
        groups.setdefault(key, []).append(diagnostic)
    rules = []
    for (code, name, severity), found in sorted(
        groups.items(), key=lambda item: (-len(item[1]), item[0])
    ):
        safe, unsafe = _fixes(found)
        rules.append(
            {
                "code": code,
                "name": name,
                "severity": severity,
                "count": len(found),
                "fixable": safe,
                "unsafe_fixable": unsafe,
            }
        )
    safe, unsafe = _fixes(diagnostics)
    return {
        "total": len(diagnostics),
        "severity": {level.value: count for level, count in severity_counts(diagnostics).items()},
        "fixable": safe,
        "unsafe_fixable": unsafe,
        "rules": rules,
    }


def table(diagnostics: Sequence[Diagnostic], totals: bool = True) -> str:
    """A table of :func:`statistics` for people; with ``totals``, a closing line of counts
    (the full format has its own)."""
    data = statistics(diagnostics)
    if not data["rules"]:
        return "No problems found.\n" if totals else ""
    header = ("COUNT", "CODE", "SEVERITY", "FIX", "UNSAFE", "NAME")
    rows = [header] + [
        (
            str(rule["count"]),
            rule["code"],
            rule["severity"],
            str(rule["fixable"] or ""),
            str(rule["unsafe_fixable"] or ""),
            rule["name"],
        )
        for rule in data["rules"]
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    right = {0, 3, 4}  # numbers line up on the right
    lines = [
        "  ".join(
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ).rstrip()
        for row in rows
    ]
    if totals:
        from linter.reporters.full import summary  # the line the full format ends with

        lines.append(summary(diagnostics))
    return "\n".join(lines) + "\n"
