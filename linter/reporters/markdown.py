"""GitHub-flavoured Markdown for pull-request comments and CI job summaries.

A header with the counts per severity and per kind of file, the findings in one table per file
(files with the most severe findings first; past ``VISIBLE_ROWS`` rows the rest is folded in
``<details>``), the compose topology when the caller computed one, and a line per rule that
fired with its docs link. Only constructs that GitHub and GitLab render alike are used: pipe
tables, ``<details>``/``<summary>``, ``<br>``, fenced code blocks and backslash escapes.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import PurePosixPath, PureWindowsPath
from urllib.parse import quote

from linter.diagnostics import Diagnostic, Severity
from linter.reporters.base import (
    SEVERITY_ORDER,
    ReportContext,
    display_code,
    docs_url,
    group_by_path,
    plural,
    severity_counts,
)

VISIBLE_ROWS = 50  # rows shown before the rest is folded
# A job summary may hold 1 MiB; a row is a few hundred bytes, so this keeps well under it.
MAX_ROWS = 1000

KINDS = (("DF", "Dockerfile"), ("DC", "Compose"))

# ASCII punctuation that means something inline in GFM or GitLab Markdown (``$`` starts maths
# on both, ``&`` an entity, ``<`` HTML); a backslash before ASCII punctuation is always literal.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&$])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_BACKTICKS = re.compile(r"`+")

HEADER = "| Location | Code | Severity | Message |\n|---|---|---|---|\n"


def escape_text(text: str) -> str:
    """Plain text for a table cell or a paragraph: every Markdown special made literal."""
    return _SPECIAL.sub(r"\\\1", _CONTROL.sub("\ufffd", text))


def _cell_line(line: str) -> str:
    """One line of a message: code spans stay code (their ``|`` escaped for the table)."""
    parts: list[str] = []
    position = 0
    for match in _CODE_SPAN.finditer(line):
        parts.append(escape_text(line[position : match.start()]))
        body = _CONTROL.sub("\ufffd", match.group(2)).replace("|", "\\|")
        fence = match.group(1)
        pad = " " if body.startswith("`") or body.endswith("`") else ""
        parts.append(f"{fence}{pad}{body}{pad}{fence}")
        position = match.end()
    parts.append(escape_text(line[position:]))
    return "".join(parts)


def escape_cell(text: str) -> str:
    """A message for a table cell: one line, ``<br>`` between its lines."""
    lines = [line for line in text.splitlines() if line.strip()] or [""]
    return "<br>".join(_cell_line(line) for line in lines)


def _is_linkable(path: str) -> bool:
    if PurePosixPath(path).is_absolute() or PureWindowsPath(path).is_absolute():
        return False
    return ".." not in path.replace("\\", "/").split("/")


def file_link(path: str, line: int | None, context: ReportContext) -> str | None:
    """Where a finding's file (and line) is shown: under ``source_url``, else relative."""
    if not _is_linkable(path):
        return None
    target = quote(path.replace("\\", "/"), safe="/")
    if context.source_url:
        target = context.source_url.rstrip("/") + "/" + target
    return f"{target}#L{line}" if line is not None else target


def _location(diagnostic: Diagnostic, context: ReportContext) -> str:
    line = diagnostic.span.start.line
    text = escape_text(f"{diagnostic.path}:{line}")
    link = file_link(diagnostic.path, line, context)
    return f"[{text}]({link})" if link else text


def _row(diagnostic: Diagnostic, context: ReportContext) -> str:
    code = f"{escape_text(display_code(diagnostic))} {escape_text(diagnostic.name)}"
    return (
        f"| {_location(diagnostic, context)} | {code} | {diagnostic.severity.value} "
        f"| {escape_cell(diagnostic.message)} |\n"
    )


def kind_of(diagnostic: Diagnostic) -> str:
    """The kind of file a finding is in, from its code's prefix."""
    for prefix, kind in KINDS:
        if diagnostic.code.startswith(prefix):
            return kind
    return "Other"


def _counts(diagnostics: Sequence[Diagnostic]) -> str:
    """One row per kind of file that has findings, a column per severity, and the totals."""
    by_kind: dict[str, Counter[Severity]] = {}
    for diagnostic in diagnostics:
        by_kind.setdefault(kind_of(diagnostic), Counter())[diagnostic.severity] += 1
    order = [kind for _, kind in KINDS] + ["Other"]
    lines = [
        "| File kind | " + " | ".join(s.value for s in SEVERITY_ORDER) + " | Total |",
        "|---|" + "---:|" * (len(SEVERITY_ORDER) + 1),
    ]
    for kind in sorted(by_kind, key=order.index):
        counts = by_kind[kind]
        cells = " | ".join(str(counts[s]) for s in SEVERITY_ORDER)
        lines.append(f"| {kind} | {cells} | {sum(counts.values())} |")
    totals = severity_counts(diagnostics)
    cells = " | ".join(f"**{totals[s]}**" for s in SEVERITY_ORDER)
    lines.append(f"| **Total** | {cells} | **{len(diagnostics)}** |")
    return "\n".join(lines) + "\n"


def _headline(diagnostics: Sequence[Diagnostic], files: int) -> str:
    totals = severity_counts(diagnostics)
    words = {Severity.ERROR: "error", Severity.WARNING: "warning"}
    parts = [
        plural(totals[s], words[s]) if s in words else f"{totals[s]} {s.value}"
        for s in SEVERITY_ORDER
        if totals[s]
    ]
    return (
        f"**{plural(len(diagnostics), 'problem')}** in {plural(files, 'file')}: "
        + ", ".join(parts)
        + ".\n"
    )


def _ordered_groups(diagnostics: Sequence[Diagnostic]) -> list[tuple[str, list[Diagnostic]]]:
    """Files with the most severe findings first (then as given), so the top rows matter most."""
    groups = group_by_path(diagnostics)
    return sorted(groups, key=lambda group: -max(d.severity.rank for d in group[1]))


def _findings(diagnostics: Sequence[Diagnostic], context: ReportContext) -> str:
    out: list[str] = []
    shown = 0
    folded = False
    for path, group in _ordered_groups(diagnostics):
        table_open = False
        for done, diagnostic in enumerate(group):
            if shown == MAX_ROWS:
                break
            if shown == VISIBLE_ROWS and not folded:
                rest = min(len(diagnostics), MAX_ROWS) - VISIBLE_ROWS
                if table_open:
                    out.append("\n")
                out.append(f"<details>\n<summary>{plural(rest, 'more finding')}</summary>\n\n")
                folded, table_open = True, False
            if not table_open:
                count = "continued" if done else str(len(group))
                out.append(f"#### {escape_text(path)} ({count})\n\n{HEADER}")
                table_open = True
            out.append(_row(diagnostic, context))
            shown += 1
        if table_open:
            out.append("\n")
    if folded:
        out.append("</details>\n\n")
    left_out = len(diagnostics) - shown
    if left_out:
        out.append(
            f"{plural(left_out, 'more finding')} not listed here; "
            "the SARIF report and `shiplint check` show every one.\n\n"
        )
    return "".join(out)


def _fence(text: str) -> str:
    """A code fence longer than any run of backticks in ``text``."""
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    return "`" * max(3, longest + 1)


def _rules(diagnostics: Sequence[Diagnostic], context: ReportContext) -> str:
    counts = Counter(d.code for d in diagnostics)
    names = {d.code: d.name for d in diagnostics}
    lines = []
    for code in sorted(counts):
        rule = context.rules.get(code)
        name = escape_text(names[code])
        label = f"{code} {name}"
        if rule is not None:
            url = docs_url(rule.code, rule.name, context.tool_version)
            summary = _cell_line(rule.summary.rstrip("."))
            lines.append(f"- [{label}]({url}): {summary} ({counts[code]})")
        else:
            lines.append(f"- {label} ({counts[code]})")
    return "\n".join(lines) + "\n"


def render(diagnostics: Sequence[Diagnostic], context: ReportContext) -> str:
    sections = [f"## shiplint {escape_text(context.tool_version)}\n"]
    if not diagnostics:
        sections.append("No problems found.\n")
    else:
        files = len(group_by_path(diagnostics))
        sections += [
            _headline(diagnostics, files),
            _counts(diagnostics),
            "### Findings\n\n" + _findings(diagnostics, context).rstrip("\n") + "\n",
        ]
    if context.topology_mermaid:
        diagram = context.topology_mermaid.rstrip("\n")
        fence = _fence(diagram)
        sections.append(f"### Stack\n\n{fence}mermaid\n{diagram}\n{fence}\n")
    if diagnostics:
        sections.append("### Rules\n\n" + _rules(diagnostics, context))
    return "\n".join(sections)


def source_url_from_environment(environ: Mapping[str, str], cwd: str) -> str | None:
    """The blob URL of the commit being checked, at ``cwd``, in GitHub Actions or GitLab CI.

    Job summaries and comments are shown away from the repository, where relative links break.
    None when not in CI or when ``cwd`` is outside the checked-out repository.
    """
    if environ.get("GITHUB_ACTIONS") == "true":
        parts = [
            environ.get(k, "")
            for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA", "GITHUB_WORKSPACE")
        ]
        if all(parts):
            server, repository, sha, root = parts
            base = f"{server.rstrip('/')}/{repository}/blob/{sha}"
            return _under(base, root, cwd)
    elif environ.get("GITLAB_CI") == "true":
        parts = [environ.get(k, "") for k in ("CI_PROJECT_URL", "CI_COMMIT_SHA", "CI_PROJECT_DIR")]
        if all(parts):
            project, sha, root = parts
            return _under(f"{project.rstrip('/')}/-/blob/{sha}", root, cwd)
    return None


def _under(base: str, root: str, cwd: str) -> str | None:
    try:
        relative = os.path.relpath(os.path.realpath(cwd), os.path.realpath(root))
    except ValueError:  # another drive on Windows
        return None
    if relative == ".":
        return base + "/"
    if relative.startswith(".."):
        return None
    return f"{base}/{quote(relative.replace(os.sep, '/'), safe='/')}/"
