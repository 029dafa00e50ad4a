"""Inline suppression comments, ours and the peers' (hadolint, BuildKit, dclint).

A pragma names codes, rule names or peer aliases; the engine resolves them through the
registry, so ``# hadolint ignore=DL3008`` silences the shiplint rule aliased ``DL3008``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from linter.diagnostics import Diagnostic, Span
from linter.dockerfile.ast import Dockerfile
from linter.patterns import lazy_compile
from linter.records import field, record

ALL = "*"
BUILDKIT_ALL = "buildkit:all"  # `# check=skip=all`: every rule that mirrors a BuildKit check

_SHIPLINT = re.compile(
    r"^\s*shiplint:\s*(?P<kind>ignore-file|ignore)\s*(?:\[(?P<codes>[^\]]*)\])?", re.IGNORECASE
)
_HADOLINT = re.compile(
    r"^\s*hadolint\s+(?P<scope>global\s+|stage\s+)?ignore\s*=\s*(?P<codes>[A-Za-z0-9_,\s-]+?)"
    r"\s*(?:#.*)?$",
    re.IGNORECASE,
)
_DCLINT = lazy_compile(
    r"^\s*dclint\s+(?P<kind>disable-file|disable-line|disable)\b(?P<codes>[^#]*)", re.IGNORECASE
)


@record(frozen=False)
class Pragma:
    """One suppression comment and the lines it covers."""

    keys: tuple[str, ...]  # as written; ("*",) for every rule
    span: Span  # where the comment is
    first_line: int
    last_line: int
    source: str  # "shiplint", "hadolint", "buildkit" or "dclint"
    used: bool = field(default=False, compare=False)

    def covers(self, line: int) -> bool:
        return self.first_line <= line <= self.last_line


def _split_codes(text: str | None) -> tuple[str, ...]:
    if text is None or not text.strip():
        return (ALL,)
    return tuple(part.strip() for part in re.split(r"[,\s]+", text) if part.strip())


def dockerfile_pragmas(dockerfile: Dockerfile) -> list[Pragma]:
    """Pragmas of a Dockerfile, each mapped onto the instruction lines it covers."""
    instructions = sorted(dockerfile.instructions, key=lambda i: i.span.start)
    last_line = max(len(dockerfile.lines), 1)
    pragmas: list[Pragma] = []

    def next_instruction_lines(after: int) -> tuple[int, int]:
        for instruction in instructions:
            if instruction.span.start.line > after:
                return instruction.span.start.line, instruction.span.end.line
        return after + 1, after + 1

    def stage_lines(after: int) -> tuple[int, int]:
        end = last_line
        for instruction in instructions:
            if instruction.span.start.line > after + 1 and instruction.keyword == "FROM":
                end = instruction.span.start.line - 1
                break
        return after + 1, end

    for comment in dockerfile.comments:
        line = comment.span.start.line
        match = _SHIPLINT.match(comment.text)
        if match:
            keys = _split_codes(match.group("codes"))
            if match.group("kind").lower() == "ignore-file":
                pragmas.append(Pragma(keys, comment.span, 1, last_line, "shiplint"))
            else:
                pragmas.append(
                    Pragma(keys, comment.span, *next_instruction_lines(line), "shiplint")
                )
            continue
        match = _HADOLINT.match(comment.text)
        if match:
            keys = _split_codes(match.group("codes"))
            scope = (match.group("scope") or "").strip().lower()
            if scope == "global":
                pragmas.append(Pragma(keys, comment.span, 1, last_line, "hadolint"))
            elif scope == "stage":
                pragmas.append(Pragma(keys, comment.span, *stage_lines(line), "hadolint"))
            else:
                pragmas.append(
                    Pragma(keys, comment.span, *next_instruction_lines(line), "hadolint")
                )
    for directive in dockerfile.directives:
        if directive.name != "check" or not directive.honoured:
            continue
        for part in directive.value.split(";"):
            key, _, value = part.partition("=")
            if key.strip().lower() == "skip":
                keys = tuple(
                    BUILDKIT_ALL if v.strip().lower() == "all" else v.strip()
                    for v in value.split(",")
                    if v.strip()
                )
                if keys:
                    pragmas.append(Pragma(keys, directive.span, 1, last_line, "buildkit"))
    return pragmas


def _yaml_comment(line: str) -> tuple[int, str] | None:
    """The column (0-based) and text of a YAML comment on this line, if any."""
    quote: str | None = None
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
            continue
        if char in "\"'" and (index == 0 or line[index - 1] in " \t[{,:-"):
            quote = char
        elif char == "#" and (index == 0 or line[index - 1] in " \t"):
            return index, line[index + 1 :]
    return None


def compose_pragmas(text: str) -> list[Pragma]:
    """Pragmas of a compose file: on the line before, at the end of a line, or file-wide."""
    lines = text.splitlines()
    last_line = max(len(lines), 1)
    pragmas: list[Pragma] = []
    for number, line in enumerate(lines, start=1):
        found = _yaml_comment(line)
        if found is None:
            continue
        column, comment = found
        span = Span.of(number, column + 1, number, len(line) + 1)
        own_line = not line[:column].strip()
        covered = (number + 1, number + 1) if own_line else (number, number)
        match = _SHIPLINT.match(comment)
        if match:
            keys = _split_codes(match.group("codes"))
            if match.group("kind").lower() == "ignore-file":
                pragmas.append(Pragma(keys, span, 1, last_line, "shiplint"))
            else:
                pragmas.append(Pragma(keys, span, *covered, "shiplint"))
            continue
        match = _DCLINT.match(comment)
        if match:
            keys = _split_codes(match.group("codes"))
            kind = match.group("kind").lower()
            if kind == "disable-line":
                pragmas.append(Pragma(keys, span, *covered, "dclint"))
            elif kind == "disable-file" or number == 1 or lines[number - 2].strip() == "---":
                pragmas.append(Pragma(keys, span, 1, last_line, "dclint"))
    return pragmas


def apply_pragmas(
    diagnostics: Iterable[Diagnostic],
    pragmas: list[Pragma],
    matches: Callable[[str, Diagnostic], bool],
) -> list[Diagnostic]:
    """Drop the diagnostics some pragma covers; mark the pragmas that did something."""
    kept = []
    for diagnostic in diagnostics:
        suppressed = False
        for pragma in pragmas:
            if not pragma.covers(diagnostic.span.start.line):
                continue
            if any(key == ALL or matches(key, diagnostic) for key in pragma.keys):
                pragma.used = True
                suppressed = True
        if not suppressed:
            kept.append(diagnostic)
    return kept
