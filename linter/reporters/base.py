"""The reporter contract: what every output format receives and returns.

A reporter is a pure function ``render(diagnostics, context) -> str``. It never reads files or
the environment, so the CLI, the LSP and tests can all call it the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from linter.diagnostics import Diagnostic, Severity
from linter.records import field, record
from linter.rule import Rule


@record
class ReportContext:
    """Everything a reporter may need besides the findings themselves."""

    rules: Mapping[str, Rule]  # code -> rule object (metadata for SARIF rules[], help)
    sources: Mapping[str, str]  # path -> file text (for code frames); may miss paths
    cwd: str  # paths in Diagnostic.path are relative to this already
    tool_version: str
    color: bool = False  # ANSI colour (full format only)
    statistics: bool = False  # --statistics: json and sarif carry the counts in the report
    # Markdown format: a Mermaid diagram of the compose topology, printed under "Stack".
    topology_mermaid: str | None = None
    # Markdown format: the URL that file links start with (the commit's blob URL in CI,
    # pointing at ``cwd``); None links relative to ``cwd``.
    source_url: str | None = None


Reporter = Callable[[Sequence[Diagnostic], ReportContext], str]

INFORMATION_URI = "https://github.com/shiplint/shiplint"
# The rule reference (`shiplint rules --format markdown`, kept in the repository as
# docs/rules.md); a release links to its own tag so the text matches the rules it ran.
RULES_DOCUMENT = "docs/rules.md"
_RELEASE = re.compile(r"^\d+\.\d+\.\d+$")

SEVERITY_ORDER: tuple[Severity, ...] = (
    Severity.ERROR,
    Severity.WARNING,
    Severity.INFO,
    Severity.STYLE,
)


@record
class SourceLines:
    """A file's text split into lines once, for reporters that quote the source."""

    lines: tuple[str, ...] = field(default=())

    @classmethod
    def of(cls, text: str | None) -> SourceLines:
        if text is None:
            return cls()
        return cls(tuple(text.splitlines()))

    def line(self, number: int) -> str | None:
        """The text of 1-based line ``number`` without its newline, or None if out of range."""
        if 1 <= number <= len(self.lines):
            return self.lines[number - 1]
        return None


def docs_anchor(code: str, name: str) -> str:
    """The anchor GitHub and GitLab give the rule's heading ``## CODE name`` in the reference."""
    return f"{code} {name}".lower().replace(" ", "-")


def docs_url(code: str, name: str, tool_version: str) -> str:
    """The web page of a rule's documentation, for the version that reported it."""
    ref = f"v{tool_version}" if _RELEASE.match(tool_version) else "main"
    return f"{INFORMATION_URI}/blob/{ref}/{RULES_DOCUMENT}#{docs_anchor(code, name)}"


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def severity_counts(diagnostics: Sequence[Diagnostic]) -> dict[Severity, int]:
    """How many findings there are of each severity, most severe first."""
    counts = dict.fromkeys(SEVERITY_ORDER, 0)
    for diagnostic in diagnostics:
        counts[diagnostic.severity] += 1
    return counts


def display_code(diagnostic: Diagnostic) -> str:
    """The code a person sees: ``DF123`` or ``DF123/SC2086`` when there is a subcode."""
    if diagnostic.subcode:
        return f"{diagnostic.code}/{diagnostic.subcode}"
    return diagnostic.code


def last_line(diagnostic: Diagnostic) -> int:
    """The last line a span really covers: one ending at column 1 stops on the line before."""
    span = diagnostic.span
    if span.end.column <= 1 and span.end.line > span.start.line:
        return span.end.line - 1
    return max(span.end.line, span.start.line)


def group_by_path(
    diagnostics: Sequence[Diagnostic],
) -> list[tuple[str, list[Diagnostic]]]:
    """Findings grouped by file, files in order of first appearance (input is sorted)."""
    groups: dict[str, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        groups.setdefault(diagnostic.path, []).append(diagnostic)
    return list(groups.items())
