"""Syntax rules: what BuildKit rejects or warns about while reading the file.

Lexer problems arrive as ``ParseError`` values on the Dockerfile; these rules give each kind a
code. The others look at keywords, directives and comments.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from linter import (
    Applicability,
    Diagnostic,
    DockerfileContext,
    Edit,
    Fix,
    Fixable,
    Rule,
    Severity,
    Span,
)
from linter.dockerfile.ast import INSTRUCTIONS, Comment, Dockerfile, Instruction
from linter.patterns import lazy_compile
from linter.targets import DockerfileRule, InstructionRule

# Parse error kinds with a rule of their own; the rest go to DF006.
_OWN_KINDS = frozenset({"unreadable", "empty-continuation", "unterminated-heredoc", "flag"})


def _all_instructions(context: DockerfileContext) -> Iterator[Instruction]:
    """Every instruction, then the one wrapped by each ONBUILD (what the instruction rules
    with ``onbuild`` are given)."""
    for instruction in context.dockerfile.instructions:
        yield instruction
        if instruction.onbuild is not None:
            yield instruction.onbuild


class UnknownInstruction(InstructionRule):
    code = "DF002"
    name = "unknown-instruction"
    tags = ("syntax",)
    severity = Severity.ERROR
    summary = "The instruction is not one Docker knows"
    description = (
        "A Dockerfile has 18 instructions (FROM, RUN, COPY, ...). Any other word at the start "
        "of a line is a build error, usually a typo (`RUNN`, `COPPY`) or a shell command "
        "whose line continuation `\\` was forgotten on the line above."
    )
    bad = "FROM alpine:3.20\nRUN apk add --no-cache curl\nCOPPY app.sh /app.sh\n"
    good = "FROM alpine:3.20\nRUN apk add --no-cache curl\nCOPY app.sh /app.sh\n"

    onbuild = True

    def check(self, instruction: Instruction, context: DockerfileContext) -> Iterator[Diagnostic]:
        if instruction.keyword not in INSTRUCTIONS:
            yield self.report(
                context.path,
                instruction.keyword_span,
                f"unknown instruction {instruction.raw_keyword!r}",
            )


class MissingArguments(InstructionRule):
    code = "DF003"
    name = "missing-arguments"
    tags = ("syntax",)
    severity = Severity.ERROR
    summary = "The instruction has no arguments"
    description = (
        "Every Dockerfile instruction needs at least one argument: `FROM` an image, `RUN` a "
        "command, `COPY` a source and a destination. BuildKit stops with "
        "`instruction requires at least one argument`; it often means the rest of the line "
        "went to the next line without a `\\`."
    )
    bad = "FROM alpine:3.20\nWORKDIR\nCOPY app.sh /app.sh\n"
    good = "FROM alpine:3.20\nWORKDIR /app\nCOPY app.sh /app.sh\n"

    onbuild = True

    def check(self, instruction: Instruction, context: DockerfileContext) -> Iterator[Diagnostic]:
        if instruction.keyword not in INSTRUCTIONS or _has_arguments(instruction):
            return
        if instruction.keyword == "ONBUILD" and instruction.onbuild is not None:
            return
        yield self.report(
            context.path,
            instruction.keyword_span,
            f"{instruction.keyword} requires at least one argument",
        )


def _has_arguments(instruction: Instruction) -> bool:
    if instruction.json_args is not None or instruction.heredocs:
        return True
    return bool(instruction.arguments.strip())


def _swallowed_instruction(
    lines: tuple[str, ...], empty: int, escape: str
) -> tuple[int, str, Span | None] | None:
    """The instruction keyword that an empty continuation line lets the previous one swallow.

    Returns its line, the keyword, and the span of the escape character that ends the last
    line before the empty one (None when other empty lines come between: the fix is then
    left to the first of them).
    """
    index = empty  # 0-based index of the line after the empty one
    while index < len(lines) and (
        not lines[index].strip() or lines[index].lstrip().startswith("#")
    ):
        index += 1
    if index >= len(lines):
        return None
    words = lines[index].split(None, 1)
    if not words or words[0].upper() not in INSTRUCTIONS:
        return None
    previous = lines[empty - 2] if empty >= 2 else ""
    stripped = previous.rstrip()
    fix: Span | None = None
    if stripped.endswith(escape) and stripped.strip():
        kept = len(stripped[:-1].rstrip())
        fix = Span.of(empty - 1, kept + 1, empty - 1, len(stripped) + 1)
    return index + 1, words[0].upper(), fix


class EmptyContinuationLine(DockerfileRule):
    code = "DF004"
    name = "empty-continuation-line"
    tags = ("syntax",)
    severity = Severity.WARNING
    summary = "An empty line inside a line continuation"
    description = (
        "An empty line in the middle of a `\\`-continued instruction is skipped today, but "
        "BuildKit warns that it will become an error, and it usually hides a missing `\\` "
        "that cut the instruction in two. The fix removes the empty line. When the line after "
        "it starts with an instruction keyword (`COPY . /app` after a RUN that ends with "
        "`\\` and an empty line), that instruction is swallowed by the one above: the message "
        "names it, and the fix (unsafe: the build changes, as the author meant) removes the "
        "`\\` that keeps the instruction going instead of the empty line, which would keep "
        "the bug."
    )
    bad = "FROM debian:12\nRUN apt-get update && \\\n\n    apt-get install -y curl\n"
    good = "FROM debian:12\nRUN apt-get update && \\\n    apt-get install -y curl\n"
    fixable = Fixable.ALWAYS
    aliases = ("NoEmptyContinuation",)

    def check(self, context: DockerfileContext) -> Iterator[Diagnostic]:
        for error in context.dockerfile.errors:
            if error.kind != "empty-continuation":
                continue
            line = error.span.start.line
            whole = Span.of(line, 1, line + 1, 1)
            if line >= len(context.dockerfile.lines):  # the last line of the file
                whole = Span.of(line, 1, line, len(context.dockerfile.lines[line - 1]) + 1)
            swallowed = _swallowed_instruction(
                context.dockerfile.lines, line, context.dockerfile.escape
            )
            if swallowed is not None:
                next_line, keyword, fix_end = swallowed
                end_fix = None
                if fix_end is not None:
                    end_fix = Fix(
                        f"End the instruction before line {line}",
                        (Edit(fix_end, ""),),
                        Applicability.UNSAFE,
                    )
                yield self.report(
                    context.path,
                    error.span,
                    f"empty continuation line: the instruction above goes on past it, so the "
                    f"{keyword} on line {next_line} is read as part of it, not as an "
                    "instruction; remove the line continuation before the empty line",
                    fix=end_fix,
                )
                continue
            fix = Fix("Remove the empty line", (Edit(whole, ""),), Applicability.SAFE)
            yield self.report(
                context.path, error.span, "empty continuation line: remove it", fix=fix
            )


class UnterminatedHeredoc(DockerfileRule):
    code = "DF005"
    name = "unterminated-heredoc"
    tags = ("syntax",)
    severity = Severity.ERROR
    summary = "A here-document never reaches its terminator line"
    description = (
        "A here-document (`RUN <<EOF`) runs until a line that is exactly its delimiter. When "
        "that line is missing, or indented without `<<-`, or has trailing spaces, the rest "
        "of the Dockerfile becomes the script and the build breaks in confusing ways."
    )
    bad = 'FROM alpine:3.20\nRUN <<EOF\n  apk add --no-cache curl\n  EOF\nCMD ["sh"]\n'
    good = 'FROM alpine:3.20\nRUN <<EOF\n  apk add --no-cache curl\nEOF\nCMD ["sh"]\n'

    def check(self, context: DockerfileContext) -> Iterator[Diagnostic]:
        for error in context.dockerfile.errors:
            if error.kind == "unterminated-heredoc":
                yield self.report(context.path, error.span, error.message)


class SyntaxProblem(DockerfileRule):
    code = "DF006"
    name = "dockerfile-syntax-error"
    tags = ("syntax",)
    severity = Severity.ERROR
    summary = "BuildKit cannot read this part of the Dockerfile"
    description = (
        "Problems the Dockerfile reader meets that have no rule of their own: a file that "
        "ends with a line continuation, a duplicated or invalid parser directive, malformed "
        "flags or JSON arrays. The message says what is wrong and where."
    )
    bad = '# escape=x\nFROM alpine:3.20\nCMD ["sh"]\n'
    good = '# escape=`\nFROM alpine:3.20\nCMD ["sh"]\n'

    def check(self, context: DockerfileContext) -> Iterator[Diagnostic]:
        for error in context.dockerfile.errors:
            if error.kind not in _OWN_KINDS:
                yield self.report(context.path, error.span, error.message)


class InvalidFlag(DockerfileRule):
    code = "DF011"
    name = "invalid-instruction-flag"
    tags = ("syntax",)
    severity = Severity.ERROR
    summary = "BuildKit rejects a flag of this instruction"
    description = (
        "BuildKit checks every instruction's flags before it builds anything: a flag the "
        "instruction does not have (`COPY --chwon`), a flag that needs a value written "
        'without one (`COPY --from build /out /app` stops with "missing a value on flag"; '
        "write `--from=build`), a boolean flag that is not `true`/`false` (`--link=yes`), a "
        "flag given twice, a `RUN --mount` with an unknown type or option, a `--network` "
        "other than `default`, `none` or `host`, or a `--chmod` that is neither octal nor "
        "symbolic. Each stops the build. The finding is at the flag; the other rules leave "
        "the instruction alone rather than read it as something it is not. Values that use "
        "a build variable (`--chmod=$MODE`) are expanded later by BuildKit and not judged."
    )
    bad = (
        "FROM golang:1.22 AS build\nRUN go build -o /out/app .\n"
        "FROM alpine:3.20\nCOPY --from build /out/app /usr/local/bin/app\n"
    )
    good = (
        "FROM golang:1.22 AS build\nRUN go build -o /out/app .\n"
        "FROM alpine:3.20\nCOPY --from=build /out/app /usr/local/bin/app\n"
    )

    def check(self, context: DockerfileContext) -> Iterator[Diagnostic]:
        for error in context.dockerfile.errors:
            if error.kind == "flag":
                yield self.report(context.path, error.span, error.message)


class InstructionCasing(DockerfileRule):
    code = "DF007"
    name = "instruction-casing"
    tags = ("style",)
    severity = Severity.WARNING
    summary = "Instruction keywords are not cased consistently"
    description = (
        "Keywords are case-insensitive, but a file mixing `RUN` and `run`, or writing `Run`, "
        "is harder to read and grep. Like BuildKit, the casing used by most instructions of "
        "the file wins (upper case on a tie) and mixed-case keywords are always reported. "
        "The fix rewrites the keyword."
    )
    bad = 'FROM alpine:3.20\nrun apk add --no-cache curl\nCMD ["sh"]\n'
    good = 'FROM alpine:3.20\nRUN apk add --no-cache curl\nCMD ["sh"]\n'
    fixable = Fixable.ALWAYS
    aliases = ("ConsistentInstructionCasing",)

    def check(self, context: DockerfileContext) -> Iterator[Diagnostic]:
        known = [i for i in _all_instructions(context) if i.keyword in INSTRUCTIONS]
        upper = sum(1 for i in known if i.raw_keyword.isupper())
        lower = sum(1 for i in known if i.raw_keyword.islower())
        majority_lower = lower > upper
        wanted = "lowercase" if majority_lower else "uppercase"
        for instruction in known:
            raw = instruction.raw_keyword
            if raw.islower() if majority_lower else raw.isupper():
                continue
            text = raw.lower() if majority_lower else raw.upper()
            fix = Fix(f"Write {text}", (Edit(instruction.keyword_span, text),))
            yield self.report(
                context.path,
                instruction.keyword_span,
                f"instruction {raw!r} is cased differently from most instructions here "
                f"({wanted}); pick one casing for the file",
                fix=fix,
            )


class MisplacedDirective(DockerfileRule):
    code = "DF008"
    name = "misplaced-parser-directive"
    tags = ("syntax", "from-placement")
    severity = Severity.WARNING
    summary = "A parser directive is ignored because of where it is"
    description = (
        "`# syntax=`, `# escape=` and `# check=` are only read at the very top of the file, "
        "before any comment, empty line or instruction. Anywhere else BuildKit treats them "
        "as plain comments, silently: the frontend, escape character or check settings you "
        "asked for are not used. Move the directive to the first lines."
    )
    bad = "# Build the API image\n# syntax=docker/dockerfile:1\nFROM alpine:3.20\n"
    good = "# syntax=docker/dockerfile:1\n# Build the API image\nFROM alpine:3.20\n"

    def check(self, context: DockerfileContext) -> Iterator[Diagnostic]:
        error_lines = {e.span.start.line for e in context.dockerfile.errors}
        for directive in context.dockerfile.directives:
            if directive.honoured or directive.span.start.line in error_lines:
                continue
            yield self.report(
                context.path,
                directive.span,
                f"the '{directive.name}' parser directive is ignored here: directives must "
                "come before any comment, empty line or instruction",
            )


_HADOLINT_PRAGMA = lazy_compile(r"^hadolint\s+(global\s+|stage\s+)?ignore\s*=", re.IGNORECASE)


class HadolintPragma(DockerfileRule):
    code = "DF009"
    name = "inline-ignore-pragma"
    tags = ("style",)
    severity = Severity.INFO
    summary = "A `# hadolint ignore=` pragma silences checks inline"
    description = (
        "For teams whose policy is that every exception is configured centrally rather than "
        "hidden in the Dockerfile, this reports each `# hadolint ignore=` (and `global` / "
        "`stage`) pragma, like hadolint's DL1001. Off by default."
    )
    bad = "FROM alpine:3.20\n# hadolint ignore=DL3018\nRUN apk add --no-cache curl\n"
    good = "FROM alpine:3.20\nRUN apk add --no-cache curl=8.9.1-r2\n"
    aliases = ("DL1001",)
    enabled_by_default = False

    def check(self, context: DockerfileContext) -> Iterator[Diagnostic]:
        for comment in context.dockerfile.comments:
            if _HADOLINT_PRAGMA.match(comment.text):
                yield self.report(
                    context.path,
                    comment.span,
                    "inline ignore pragma: configure exceptions centrally",
                )


class DefinitionDescription(InstructionRule):
    code = "DF010"
    name = "invalid-definition-description"
    tags = ("style",)
    severity = Severity.INFO
    summary = "The comment above a stage or ARG does not start with its name"
    description = (
        "BuildKit reads the comment directly above a named `FROM` or an `ARG` as its "
        "description (shown by `docker buildx build --call outline`) when the comment starts "
        "with the stage or argument name: `# base The image everything builds on`. A "
        "comment there that does not follow the form is reported. Off by default, as it is "
        "experimental in BuildKit."
    )
    bad = '# The base image\nFROM alpine:3.20 AS base\nCMD ["sh"]\n'
    good = '# base The image everything builds on\nFROM alpine:3.20 AS base\nCMD ["sh"]\n'
    aliases = ("InvalidDefinitionDescription",)
    enabled_by_default = False

    keywords = frozenset({"FROM", "ARG"})

    def check(self, instruction: Instruction, context: DockerfileContext) -> Iterator[Diagnostic]:
        names: list[str] = []
        if instruction.keyword == "FROM":
            stage = context.stage_of(instruction)
            if stage is not None and stage.name:
                names = [stage.name]
        else:
            names = [word.text.split("=", 1)[0] for word in instruction.words]
        if not names:
            return
        by_line, directive_lines = context.cache(
            "rules.df_syntax.comments", lambda: _comment_lines(context.dockerfile)
        )
        comment = _comment_above(instruction.line, by_line, directive_lines)
        if comment is None:
            return
        first = comment.text.split()[0] if comment.text.split() else ""
        if first in names:
            return
        example = names[0] if len(names) == 1 else "<arg_key>"
        yield self.report(
            context.path,
            comment.span,
            f"comment for {instruction.keyword} should follow the format "
            f"'# {example} <description>'",
        )


def _comment_lines(dockerfile: Dockerfile) -> tuple[dict[int, Comment], set[int]]:
    """The comments by line, and the lines of parser directives."""
    by_line = {comment.span.start.line: comment for comment in dockerfile.comments}
    return by_line, {d.span.start.line for d in dockerfile.directives}


def _comment_above(
    line: int, by_line: dict[int, Comment], directive_lines: set[int]
) -> Comment | None:
    comment = by_line.get(line - 1)
    if comment is None or comment.span.start.line in directive_lines:
        return None
    lowered = comment.text.lower()
    if lowered.startswith(("hadolint", "shiplint", "check=", "syntax=", "escape=")):
        return None
    return comment


RULES: tuple[type[Rule], ...] = (
    UnknownInstruction,
    MissingArguments,
    EmptyContinuationLine,
    UnterminatedHeredoc,
    SyntaxProblem,
    InvalidFlag,
    InstructionCasing,
    MisplacedDirective,
    HadolintPragma,
    DefinitionDescription,
)
