"""Property-based tests: the parser never raises, never hangs, and its spans make sense."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linter.diagnostics import Position, Span
from linter.dockerfile.ast import Dockerfile, Instruction
from linter.dockerfile.parser import parse_dockerfile
from linter.dockerfile.variables import expand

LINES = st.sampled_from(
    [
        "FROM alpine:3.20",
        "FROM --platform=$BUILDPLATFORM ${IMG:-golang} AS build",
        "from a as b",
        "ARG A=1",
        "ARG B",
        'ENV A=1 B="x y"',
        "ENV LEGACY a value",
        "LABEL a=b",
        "RUN echo hi",
        "RUN apk add \\",
        "  curl \\",
        "  git",
        "RUN <<EOF",
        "RUN <<-'EOT' sh",
        "RUN <<A cat <<B",
        "COPY <<EOF /x",
        "EOF",
        "\tEOT",
        "A",
        "B",
        "echo body",
        "COPY --from=build --chown=a:b /a /b",
        "ADD --checksum=sha256:x https://x /y",
        'CMD ["a", "b"]',
        'CMD ["a", 1]',
        "CMD [broken",
        'ENTRYPOINT ["a",\\',
        'HEALTHCHECK --interval=5s CMD ["x"]',
        "ONBUILD RUN <<EOF",
        "ONBUILD ONBUILD RUN x",
        "# comment",
        "  # indented comment",
        "# escape=`",
        "# syntax=docker/dockerfile:1",
        "# check=skip=all",
        "",
        "   ",
        "\\",
        "`",
        "RUN a `",
        "USER",
        "WORKDIR /app",
        "FOO bar",
        "\ufeffFROM x",
        "RUN 'unterminated",
        'RUN "a \\" b"',
        "RUN ${A:-${B:+c}}",
    ]
)
DOCKERFILE_TEXT = st.lists(LINES, max_size=30).flatmap(
    lambda lines: st.sampled_from(["\n", "\r\n"]).map(lambda end: end.join(lines))
)
MIXED_TEXT = st.lists(
    st.one_of(LINES, st.text(alphabet=st.characters(codec="utf-8"), max_size=20)),
    max_size=20,
).map("\n".join)


def _all_spans(dockerfile: Dockerfile) -> list[Span]:
    spans: list[Span] = []
    for directive in dockerfile.directives:
        spans.append(directive.span)
    for comment in dockerfile.comments:
        spans.append(comment.span)
    for error in dockerfile.errors:
        spans.append(error.span)
    for instruction in dockerfile.instructions:
        spans.extend(_instruction_spans(instruction))
    for stage in dockerfile.stages:
        if stage.image is not None:
            spans.append(stage.image.span)
        if stage.name_span is not None:
            spans.append(stage.name_span)
    for arg in dockerfile.global_args:
        spans.extend((arg.span, arg.key_span))
    return spans


def _instruction_spans(instruction: Instruction) -> list[Span]:
    spans = [instruction.span, instruction.keyword_span]
    if instruction.arguments_span is not None:
        spans.append(instruction.arguments_span)
    spans.extend(flag.span for flag in instruction.flags)
    spans.extend(flag.value_span for flag in instruction.flags if flag.value_span is not None)
    spans.extend(word.span for word in instruction.words)
    spans.extend(pair.span for pair in instruction.key_values)
    spans.extend(pair.key_span for pair in instruction.key_values)
    for heredoc in instruction.heredocs:
        spans.extend((heredoc.span, heredoc.marker_span))
    if instruction.onbuild is not None:
        spans.extend(_instruction_spans(instruction.onbuild))
    return spans


def _inside(dockerfile: Dockerfile, position: Position) -> bool:
    lines = dockerfile.lines
    if not lines:
        return position == Position(1, 1)
    if not 1 <= position.line <= len(lines):
        return False
    return 1 <= position.column <= len(lines[position.line - 1]) + 1


def _check_invariants(text: str) -> None:
    parsed = parse_dockerfile(text)
    assert all(error.kind != "internal" for error in parsed.errors), parsed.errors
    for span in _all_spans(parsed):
        assert span.start <= span.end, span
        assert _inside(parsed, span.start), span
        assert _inside(parsed, span.end), span
    previous: Span | None = None
    for instruction in parsed.instructions:
        if previous is not None:
            assert previous.end <= instruction.span.start
        previous = instruction.span
        for line in instruction.argument_lines:
            source = parsed.lines[line.line - 1]
            assert source[line.column - 1 : line.column - 1 + len(line.text)] == line.text
        assert "".join(line.text for line in instruction.argument_lines) == instruction.arguments
        for heredoc in instruction.heredocs:
            for line in heredoc.body_lines:
                source = parsed.lines[line.line - 1]
                assert source[line.column - 1 :] == line.text
    assert parse_dockerfile(text) == parsed


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_arbitrary_text_never_raises(text: str) -> None:
    _check_invariants(text)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCKERFILE_TEXT)
def test_dockerfile_like_text(text: str) -> None:
    _check_invariants(text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MIXED_TEXT)
def test_mixed_text(text: str) -> None:
    _check_invariants(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="${}:-+?#%/\\'\"ab", max_size=60))
def test_expand_never_raises(text: str) -> None:
    value, unresolved = expand(text, {"a": "1"})
    assert isinstance(value, str)
    assert len(set(unresolved)) == len(unresolved)


def test_large_file_is_linear() -> None:
    text = "FROM a\n" + "RUN echo x \\\n" * 20000 + "  done\n" + "RUN <<EOF\n" + "x\n" * 20000
    parsed = parse_dockerfile(text)
    assert len(parsed.instructions) == 3
