"""The Dockerfile syntax tree: what the lexer produces and what rules read.

Every node carries exact 1-based spans into the original file. Nothing here parses;
see ``linter.dockerfile.parser`` for how these are built.
"""

from __future__ import annotations

from linter.diagnostics import Span
from linter.records import record

# The 18 instructions a Dockerfile may contain (BuildKit's list).
INSTRUCTIONS = frozenset(
    {
        "ADD",
        "ARG",
        "CMD",
        "COPY",
        "ENTRYPOINT",
        "ENV",
        "EXPOSE",
        "FROM",
        "HEALTHCHECK",
        "LABEL",
        "MAINTAINER",
        "ONBUILD",
        "RUN",
        "SHELL",
        "STOPSIGNAL",
        "USER",
        "VOLUME",
        "WORKDIR",
    }
)


@record
class Directive:
    """A parser directive such as ``# syntax=...``, ``# escape=`` or ``# check=``."""

    name: str  # lower-cased
    value: str
    span: Span
    honoured: bool  # False when BuildKit would treat the line as a plain comment


@record(compiled=True)
class Comment:
    text: str  # without the leading '#', stripped
    span: Span


@record
class Flag:
    """An instruction flag: ``--from=build``, ``--mount=type=cache,target=/x``, ``--link``."""

    name: str  # without the leading dashes, as written (BuildKit flags are lower-case)
    value: str | None  # None for a bare flag such as ``--link``
    span: Span  # the whole flag text
    value_span: Span | None = None


@record(compiled=True)
class Word:
    """A whitespace-separated argument of a shell-form instruction, quotes kept."""

    text: str
    span: Span


@record(compiled=True)
class SourceLine:
    """One physical line of an instruction's argument text, for mapping back positions.

    ``column`` is the 1-based column in the file where ``text`` starts. Comment lines and
    empty lines inside a continuation are not included (BuildKit drops them too).
    """

    line: int
    column: int
    text: str


@record
class Heredoc:
    """A here-document attached to RUN, COPY or ADD."""

    delimiter: str  # the word, without quotes or the ``<<``/``<<-``
    strip_tabs: bool  # ``<<-``
    quoted: bool  # ``<<"EOF"`` or ``<<'EOF'``: no variable expansion
    body: str  # the content, lines joined with "\n", terminator excluded
    body_lines: tuple[SourceLine, ...]  # the body's physical lines
    marker_span: Span  # the ``<<EOF`` token on the instruction line
    span: Span  # from the first body line to the end of the terminator line


@record(compiled=True)
class Instruction:
    """One logical instruction, continuation lines and heredocs included."""

    keyword: str  # upper-cased: FROM, RUN, ... (unknown words kept as written, upper-cased)
    raw_keyword: str  # as written in the file
    span: Span  # the whole instruction
    keyword_span: Span
    flags: tuple[Flag, ...]
    arguments: str  # text after the flags, continuations joined with the line breaks removed
    arguments_span: Span | None  # None when the instruction has no arguments
    argument_lines: tuple[SourceLine, ...]  # physical lines of ``arguments`` (for shell parsing)
    words: tuple[Word, ...]  # shell-form words of ``arguments`` with their spans
    json_args: tuple[str, ...] | None = None  # the decoded list when the exec (JSON) form is used
    heredocs: tuple[Heredoc, ...] = ()
    onbuild: Instruction | None = None  # for ONBUILD: the wrapped instruction
    stage_index: int | None = None  # None before the first FROM
    # ARG, ENV and LABEL: the pairs, split with the file's escape character (see
    # ``linter.dockerfile.variables.split_key_values``).
    key_values: tuple[KeyValue, ...] = ()
    # BuildKit rejects one of its flags (unknown, missing value, bad value): the build stops
    # here, so rules other than the syntax ones do not read it (see ``readable_view``).
    flag_error: bool = False

    @property
    def is_json_form(self) -> bool:
        return self.json_args is not None

    def flag(self, name: str) -> Flag | None:
        """The last flag with this name (BuildKit keeps the last one), if any."""
        found = None
        for candidate in self.flags:
            if candidate.name == name:
                found = candidate
        return found

    @property
    def line(self) -> int:
        return self.span.start.line


@record(compiled=True)
class ImageRef:
    """A parsed image reference as written in FROM (after global ARG substitution)."""

    text: str  # as written, e.g. ``${REGISTRY}/app:${TAG}``
    resolved: str  # with global ARG defaults substituted
    registry: str | None  # e.g. ``ghcr.io``; None for Docker Hub when not written
    repository: str  # e.g. ``library/python`` is written ``python``: kept as ``python``
    tag: str | None
    digest: str | None
    span: Span
    unresolved_variables: tuple[str, ...] = ()  # variables with no default

    @property
    def is_scratch(self) -> bool:
        return self.resolved.lower() == "scratch"


@record(compiled=True)
class KeyValue:
    """A ``key=value`` pair of ARG, ENV or LABEL (value None for ``ARG NAME`` without default)."""

    key: str
    value: str | None  # quotes and escapes removed, variables not expanded
    span: Span
    key_span: Span
    raw_value: str | None = None  # the value as written (quotes kept), for substitution


@record(compiled=True)
class Stage:
    index: int
    from_instruction: Instruction
    name: str | None  # as written after AS
    name_span: Span | None
    image: ImageRef | None  # None when FROM has no argument
    base_stage: int | None  # index of an earlier stage this one builds on
    platform: str | None  # value of --platform as written
    instructions: tuple[Instruction, ...]  # after FROM, up to the next FROM

    @property
    def span(self) -> Span:
        last = self.instructions[-1] if self.instructions else self.from_instruction
        end = last.span.end
        return Span(self.from_instruction.span.start, end)


@record
class ParseError:
    """A problem the lexer found; ``kind`` lets the syntax rules pick theirs."""

    kind: str  # "syntax", "unterminated-heredoc", "empty-continuation", "bad-json", ...
    message: str
    span: Span


@record
class Dockerfile:
    path: str
    source: str  # decoded text, BOM removed, line endings kept as in the file
    lines: tuple[str, ...]  # physical lines without their line ending
    escape: str  # ``\\`` or ``\``` ``
    directives: tuple[Directive, ...]
    comments: tuple[Comment, ...]
    instructions: tuple[Instruction, ...]  # every instruction in file order
    stages: tuple[Stage, ...]
    global_args: tuple[KeyValue, ...]  # ARGs before the first FROM
    errors: tuple[ParseError, ...] = ()
    has_bom: bool = False
    crlf: bool = False

    @classmethod
    def empty(cls, path: str, source: str, error: ParseError, has_bom: bool = False) -> Dockerfile:
        """A tree with no instructions that carries why there are none (unreadable file,
        parser failure): the engine and rules handle it like any other tree."""
        return cls(
            path=path,
            source=source,
            lines=(),
            escape="\\",
            directives=(),
            comments=(),
            instructions=(),
            stages=(),
            global_args=(),
            errors=(error,),
            has_bom=has_bom,
            crlf="\r\n" in source,
        )

    def stage_by_name(self, name: str) -> Stage | None:
        lowered = name.lower()
        for stage in self.stages:
            if stage.name is not None and stage.name.lower() == lowered:
                return stage
        return None

    def directive(self, name: str) -> Directive | None:
        for directive in self.directives:
            if directive.name == name and directive.honoured:
                return directive
        return None
