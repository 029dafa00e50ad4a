"""Build the Dockerfile AST from the lexer's logical lines.

``parse_dockerfile`` is the only entry point. It never raises: whatever BuildKit would
reject (or warn about) becomes a ``ParseError`` in ``Dockerfile.errors`` so rules can report it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from linter.diagnostics import Position, Span
from linter.dockerfile.ast import (
    Comment,
    Directive,
    Dockerfile,
    Flag,
    Heredoc,
    ImageRef,
    Instruction,
    KeyValue,
    ParseError,
    SourceLine,
    Stage,
    Word,
)
from linter.dockerfile.flags import flag_problems
from linter.dockerfile.image import parse_image_ref
from linter.dockerfile.lexer import (
    GO_SPACE,
    JSON_KEYWORDS,
    LogicalLine,
    RawHeredoc,
    command_parts,
    flag_words,
    json_array,
    lex,
    unquote_word,
    word_pattern,
)
from linter.dockerfile.variables import expand, key_values_of
from linter.records import replace

# ARGs BuildKit defines in the global scope by itself; their value depends on the build.
AUTOMATIC_ARGS = frozenset(
    {
        "BUILDPLATFORM",
        "BUILDOS",
        "BUILDARCH",
        "BUILDVARIANT",
        "TARGETPLATFORM",
        "TARGETOS",
        "TARGETARCH",
        "TARGETVARIANT",
    }
)
_KEY_VALUE_KEYWORDS = frozenset({"ARG", "ENV", "LABEL"})
# BuildKit splits the shell form of COPY and ADD on whitespace alone
# (``parseStringsWhitespaceDelimited``): quotes group nothing, so ``COPY "my app/" /app/`` has
# three words and an unbalanced quote does not swallow the rest of the line.
_WHITESPACE_WORDS = frozenset({"COPY", "ADD"})
_NON_SPACE = re.compile(r"[^\t\n\v\f\r ]+")


def parse_dockerfile(text: str, path: str = "Dockerfile") -> Dockerfile:
    """Parse a decoded Dockerfile. Problems are recorded in ``errors``; this never raises."""
    has_bom = text.startswith("\ufeff")
    source = text[1:] if has_bom else text
    try:
        return _parse(source, path, has_bom)
    except Exception as error:  # a bug here must not stop a lint run; the file says why
        failure = ParseError("internal", f"the parser failed: {error!r}", Span.of(1, 1, 1, 1))
        return Dockerfile.empty(path, source, failure, has_bom)


def _parse(source: str, path: str, has_bom: bool) -> Dockerfile:
    lexed = lex(source)
    escape = lexed.escape
    errors = [ParseError(error.kind, error.message, error.span) for error in lexed.errors]
    instructions: list[Instruction] = []
    stage_index: int | None = None
    for logical in lexed.logical_lines:
        start = command_parts(logical.text)[0]
        if start >= len(logical.text):
            errors.append(
                ParseError(
                    "syntax",
                    "a line continuation with no instruction",
                    Span(
                        Position(logical.segments[0].line, logical.segments[0].column), logical.end
                    ),
                )
            )
            continue
        if logical.text[start : start + 4].upper() == "FROM" and (
            start + 4 == len(logical.text) or logical.text[start + 4] in GO_SPACE
        ):
            stage_index = 0 if stage_index is None else stage_index + 1
        instructions.append(_instruction(logical, 0, escape, stage_index, errors, nested=False))
    global_args, stages = _stages(instructions, escape)
    return Dockerfile(
        path=path,
        source=source,
        lines=tuple(lexed.lines),
        escape=escape,
        directives=tuple(
            Directive(d.name, d.value, Span.of(d.line, d.column, d.line, d.end_column), d.honoured)
            for d in lexed.directives
        ),
        comments=tuple(
            Comment(c.text, Span.of(c.line, c.column, c.line, c.end_column))
            for c in sorted(lexed.comments, key=lambda c: c.line)
        ),
        instructions=tuple(instructions),
        stages=stages,
        global_args=global_args,
        errors=tuple(sorted(errors, key=lambda e: e.span.start)),
        has_bom=has_bom,
        crlf="\r\n" in source,
    )


def _instruction(
    logical: LogicalLine,
    offset: int,
    escape: str,
    stage_index: int | None,
    errors: list[ParseError],
    nested: bool,
) -> Instruction:
    """One instruction from ``logical.text[offset:]`` (``nested`` for ONBUILD's inner one)."""
    text = logical.text
    keyword_start, keyword_end, rest = command_parts(text, offset)
    raw_keyword = text[keyword_start:keyword_end]
    keyword = raw_keyword.upper()
    matches, args_start = flag_words(text, rest)
    flags = tuple(_flag(logical, match.start(), match.group()) for match in matches)
    args_end = len(text)
    while args_end > args_start and text[args_end - 1] in GO_SPACE:
        args_end -= 1
    while args_start < args_end and text[args_start] in GO_SPACE:
        args_start += 1
    arguments = text[args_start:args_end]
    arguments_span = logical.span(args_start, args_end) if arguments else None
    argument_lines = _argument_lines(logical, args_start, args_end)
    words = _words(
        logical, escape, args_start, args_end, whitespace_only=keyword in _WHITESPACE_WORDS
    )
    json_args = _json_args(keyword, arguments, words, logical, errors)
    heredocs = tuple(_heredoc(logical, raw) for raw in logical.heredocs)
    inner = None
    if keyword == "ONBUILD" and arguments and not nested:
        inner = _instruction(logical, args_start, escape, stage_index, errors, nested=True)
    problems = flag_problems(keyword, flags, words)
    for message, span in problems:
        errors.append(ParseError("flag", message, span))
    key_values: tuple[KeyValue, ...] = ()
    if keyword in _KEY_VALUE_KEYWORDS:
        key_values = tuple(key_values_of(keyword, arguments, argument_lines, escape))
    return Instruction(
        keyword=keyword,
        raw_keyword=raw_keyword,
        span=Span(logical.position(keyword_start), logical.end),
        keyword_span=logical.span(keyword_start, keyword_end),
        flags=flags,
        arguments=arguments,
        arguments_span=arguments_span,
        argument_lines=argument_lines,
        words=words,
        json_args=json_args,
        heredocs=heredocs,
        onbuild=inner,
        stage_index=stage_index,
        key_values=key_values,
        flag_error=bool(problems) or (inner is not None and inner.flag_error),
    )


def _words(
    logical: LogicalLine, escape: str, start: int, end: int, whitespace_only: bool = False
) -> tuple[Word, ...]:
    pattern = _NON_SPACE if whitespace_only else word_pattern(escape)
    matches = pattern.finditer(logical.text, start, end)
    if len(logical.segments) > 1:
        return _words_across_lines(logical, matches)
    # One physical line (the common case): columns are a fixed shift of the offsets.
    segment = logical.segments[0]
    line = segment.line
    shift = segment.column - segment.offset
    return tuple(
        Word(
            match.group(),
            Span(Position(line, match.start() + shift), Position(line, match.end() + shift)),
        )
        for match in matches
    )


def _words_across_lines(logical: LogicalLine, matches: Iterator[re.Match[str]]) -> tuple[Word, ...]:
    """Words of a continued instruction, placed by walking its lines once.

    Words come in order, so the line of each is found by moving forward from the previous
    word's line rather than by a search per word (``LogicalLine.span``); same positions.
    """
    segments = logical.segments
    last = len(segments) - 1
    index = 0
    words: list[Word] = []
    for match in matches:
        begin, finish = match.span()
        while index < last and segments[index + 1].offset <= begin:
            index += 1
        segment = segments[index]
        first = Position(segment.line, segment.column + begin - segment.offset)
        if finish - segment.offset > len(segment.text):  # the word goes on past this line
            through = index
            while through < last and segments[through + 1].offset <= finish - 1:
                through += 1
            segment = segments[through]
        end = Position(segment.line, segment.column + finish - segment.offset)
        words.append(Word(match.group(), Span(first, end)))
    return tuple(words)


def _flag(logical: LogicalLine, start: int, raw: str) -> Flag:
    """``--name=value`` as BuildKit reads it: quotes and ``\\`` escapes removed."""
    end = start + len(raw)
    text = unquote_word(raw, "\\")[2:]
    name, equals, value = text.partition("=")
    value_span = None
    if equals:
        raw_equals = raw.find("=")
        if raw_equals >= 0:
            value_span = logical.span(start + raw_equals + 1, end)
    return Flag(name, value if equals else None, logical.span(start, end), value_span)


def _argument_lines(logical: LogicalLine, start: int, end: int) -> tuple[SourceLine, ...]:
    lines: list[SourceLine] = []
    text = logical.text
    for segment in logical.segments:
        first = max(segment.offset, start)
        last = min(segment.offset + len(segment.text), end)
        if last > first:
            lines.append(
                SourceLine(segment.line, segment.column + first - segment.offset, text[first:last])
            )
    return tuple(lines)


def _json_args(
    keyword: str,
    arguments: str,
    words: tuple[Word, ...],
    logical: LogicalLine,
    errors: list[ParseError],
) -> tuple[str, ...] | None:
    """The exec-form list, as BuildKit's ``parseMaybeJSON`` decides it."""
    if keyword == "HEALTHCHECK":
        if not words or words[0].text.upper() != "CMD":
            return None
        arguments = arguments[len(words[0].text) :]
    elif keyword not in JSON_KEYWORDS:
        return None
    if not arguments.lstrip(GO_SPACE).startswith("["):
        return None
    decoded = json_array(arguments)
    if decoded is False:
        span = Span(words[0].span.start, words[-1].span.end) if words else logical.end_span()
        errors.append(
            ParseError(
                "bad-json",
                "when using JSON array syntax, arrays must be comprised of strings only",
                span,
            )
        )
        return None
    if isinstance(decoded, list):
        return tuple(decoded)
    return None


def _heredoc(logical: LogicalLine, raw: RawHeredoc) -> Heredoc:
    body_lines = tuple(SourceLine(line, column, text) for line, column, text in raw.body_lines)
    end = raw.end if raw.end is not None else logical.end
    if body_lines:
        start = Position(body_lines[0].line, 1)
    elif raw.terminator_line is not None:
        start = Position(raw.terminator_line, 1)
    else:
        start = end
    return Heredoc(
        delimiter=raw.delimiter,
        strip_tabs=raw.strip_tabs,
        quoted=raw.quoted,
        body="\n".join(line.text for line in body_lines),
        body_lines=body_lines,
        marker_span=logical.span(raw.marker_start, raw.marker_end),
        span=Span(start, end),
    )


def _stages(
    instructions: list[Instruction], escape: str
) -> tuple[tuple[KeyValue, ...], tuple[Stage, ...]]:
    """Global ARGs and the stages, with base images resolved against the global ARGs."""
    global_args: list[KeyValue] = []
    env: dict[str, str] = {}
    groups: list[tuple[Instruction, list[Instruction]]] = []
    for instruction in instructions:
        if instruction.keyword == "FROM":
            groups.append((instruction, []))
        elif groups:
            groups[-1][1].append(instruction)
        elif instruction.keyword == "ARG":
            for pair in instruction.key_values:
                global_args.append(pair)
                if pair.raw_value is not None:
                    env[pair.key] = expand(pair.raw_value, env, escape)[0]
                else:
                    env.pop(pair.key, None)
    for name in AUTOMATIC_ARGS:
        env.setdefault(name, "$" + name)
    stages: list[Stage] = []
    for index, (from_instruction, body) in enumerate(groups):
        stages.append(_stage(index, from_instruction, body, stages, env, escape))
    return tuple(global_args), tuple(stages)


def _stage(
    index: int,
    from_instruction: Instruction,
    body: list[Instruction],
    earlier: list[Stage],
    env: Mapping[str, str],
    escape: str,
) -> Stage:
    words = from_instruction.words
    image: ImageRef | None = None
    base_stage: int | None = None
    if words:
        resolved, unresolved = expand(words[0].text, env, escape)
        image = parse_image_ref(words[0].text, resolved, words[0].span, tuple(unresolved))
        lowered = resolved.lower()
        for stage in earlier:
            if stage.name is not None and stage.name.lower() == lowered:
                base_stage = stage.index
                break
    name: str | None = None
    name_span: Span | None = None
    if len(words) >= 3 and words[1].text.lower() == "as":
        name = words[2].text
        name_span = words[2].span
    platform_flag = from_instruction.flag("platform")
    return Stage(
        index=index,
        from_instruction=from_instruction,
        name=name,
        name_span=name_span,
        image=image,
        base_stage=base_stage,
        platform=platform_flag.value if platform_flag is not None else None,
        instructions=tuple(body),
    )


def readable_view(dockerfile: Dockerfile) -> Dockerfile:
    """The file as BuildKit could build it: instructions whose flags it rejects left out.

    Rules other than the syntax ones read this view, so ``COPY --from build a b`` (a flag
    missing its value) is not read as a copy of two sources. A FROM keeps its place: the
    stage structure does not depend on its flags. The file itself is returned when nothing
    was rejected.
    """
    if not any(error.kind == "flag" for error in dockerfile.errors):
        return dockerfile

    def keep(instruction: Instruction) -> bool:
        return not instruction.flag_error or instruction.keyword == "FROM"

    return replace(
        dockerfile,
        instructions=tuple(i for i in dockerfile.instructions if keep(i)),
        stages=tuple(
            replace(stage, instructions=tuple(i for i in stage.instructions if keep(i)))
            for stage in dockerfile.stages
        ),
    )
