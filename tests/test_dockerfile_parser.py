"""The Dockerfile parser: instructions, spans, flags, words, JSON form, heredocs, stages."""

from __future__ import annotations

import pytest

from linter.diagnostics import Position, Span
from linter.dockerfile.ast import Dockerfile, Instruction
from linter.dockerfile.parser import parse_dockerfile
from linter.dockerfile.variables import split_key_values


def text_of(dockerfile: Dockerfile, span: Span) -> str:
    """The file text covered by ``span`` (lines joined with \\n)."""
    lines = dockerfile.lines
    start, end = span.start, span.end
    if start.line == end.line:
        return lines[start.line - 1][start.column - 1 : end.column - 1]
    parts = [lines[start.line - 1][start.column - 1 :]]
    parts.extend(lines[start.line : end.line - 1])
    parts.append(lines[end.line - 1][: end.column - 1])
    return "\n".join(parts)


def only(dockerfile: Dockerfile, keyword: str) -> Instruction:
    found = [i for i in dockerfile.instructions if i.keyword == keyword]
    assert len(found) == 1, found
    return found[0]


# ----------------------------------------------------------------------------- basics


def test_simple_file() -> None:
    parsed = parse_dockerfile("FROM alpine:3.20\nRUN echo hi\n", "x/Dockerfile")
    assert parsed.path == "x/Dockerfile"
    assert [i.keyword for i in parsed.instructions] == ["FROM", "RUN"]
    assert parsed.lines == ("FROM alpine:3.20", "RUN echo hi")
    run = parsed.instructions[1]
    assert run.span == Span.of(2, 1, 2, 12)
    assert run.keyword_span == Span.of(2, 1, 2, 4)
    assert run.arguments == "echo hi"
    assert run.arguments_span == Span.of(2, 5, 2, 12)
    assert [w.text for w in run.words] == ["echo", "hi"]
    assert run.words[1].span == Span.of(2, 10, 2, 12)
    assert parsed.errors == ()


def test_empty_and_comment_only_files() -> None:
    assert parse_dockerfile("").instructions == ()
    assert parse_dockerfile("").lines == ()
    parsed = parse_dockerfile("# hello\n\n   # indented\n")
    assert parsed.instructions == ()
    assert [c.text for c in parsed.comments] == ["hello", "indented"]
    assert parsed.comments[1].span == Span.of(3, 4, 3, 14)


def test_lowercase_keyword_and_indentation() -> None:
    parsed = parse_dockerfile("from alpine\n  run echo hi\nFROM\talpine\n")
    run = parsed.instructions[1]
    assert (run.keyword, run.raw_keyword) == ("RUN", "run")
    assert run.span.start == Position(2, 3)
    assert run.keyword_span == Span.of(2, 3, 2, 6)
    assert parsed.instructions[2].arguments == "alpine"


def test_unknown_instruction_is_kept() -> None:
    parsed = parse_dockerfile("FROM a\nfoo bar baz\n")
    unknown = parsed.instructions[1]
    assert (unknown.keyword, unknown.raw_keyword, unknown.arguments) == ("FOO", "foo", "bar baz")


def test_instruction_without_arguments() -> None:
    user = only(parse_dockerfile("FROM a\nUSER\n"), "USER")
    assert user.arguments == ""
    assert user.arguments_span is None
    assert user.words == ()
    assert user.argument_lines == ()


def test_bom_and_crlf() -> None:
    parsed = parse_dockerfile("\ufeffFROM a\r\nRUN x \\\r\n  y\r\n")
    assert parsed.has_bom and parsed.crlf
    assert parsed.source.startswith("FROM")
    assert "\r\n" in parsed.source
    assert parsed.lines == ("FROM a", "RUN x \\", "  y")
    run = parsed.instructions[1]
    assert run.arguments == "x   y"
    assert run.span == Span.of(2, 1, 3, 4)


def test_no_crlf_flag_for_unix_files() -> None:
    parsed = parse_dockerfile("FROM a\n")
    assert not parsed.crlf and not parsed.has_bom


# ----------------------------------------------------------------------------- continuations


def test_continuation_spans_and_argument_lines() -> None:
    text = "FROM a\nRUN apk add \\\n    # curl is needed\n    curl \\\n    git\nUSER x\n"
    parsed = parse_dockerfile(text)
    run = parsed.instructions[1]
    assert run.span == Span.of(2, 1, 5, 8)
    assert run.arguments == "apk add     curl     git"
    assert [(s.line, s.column, s.text) for s in run.argument_lines] == [
        (2, 5, "apk add "),
        (4, 1, "    curl "),
        (5, 1, "    git"),
    ]
    assert "".join(s.text for s in run.argument_lines) == run.arguments
    curl = run.words[2]
    assert (curl.text, curl.span) == ("curl", Span.of(4, 5, 4, 9))
    assert text_of(parsed, run.words[3].span) == "git"
    assert [c.text for c in parsed.comments] == ["curl is needed"]
    assert parsed.instructions[2].line == 6


def test_word_spanning_a_continuation() -> None:
    parsed = parse_dockerfile("RUN echo ab\\\ncd ef\n")
    run = parsed.instructions[0]
    assert [w.text for w in run.words] == ["echo", "abcd", "ef"]
    assert run.words[1].span == Span.of(1, 10, 2, 3)


def test_empty_continuation_line_is_skipped_and_reported() -> None:
    parsed = parse_dockerfile("FROM a\nRUN apk add \\\n\n  curl\nUSER x\n")
    run = parsed.instructions[1]
    assert run.arguments == "apk add   curl"
    assert run.span.end.line == 4
    assert [(e.kind, e.span.start.line) for e in parsed.errors] == [("empty-continuation", 3)]
    assert [i.keyword for i in parsed.instructions] == ["FROM", "RUN", "USER"]


def test_trailing_escape_at_end_of_file() -> None:
    parsed = parse_dockerfile("FROM a\nRUN echo a \\")
    run = parsed.instructions[1]
    assert run.arguments == "echo a"
    assert run.span == Span.of(2, 1, 2, 13)
    assert [e.kind for e in parsed.errors] == ["trailing-escape"]


def test_trailing_whitespace_after_escape_continues() -> None:
    run = parse_dockerfile("RUN a \\   \n b\n").instructions[0]
    assert run.arguments == "a  b"
    assert run.span.end == Position(2, 3)


def test_backtick_escape_directive() -> None:
    text = "# escape=`\nFROM mcr.microsoft.com/windows\nRUN dir c:\\ `\n  && echo done\n"
    parsed = parse_dockerfile(text)
    assert parsed.escape == "`"
    run = parsed.instructions[1]
    assert run.arguments == "dir c:\\   && echo done"
    assert run.span.end.line == 4
    assert parsed.directive("escape") is not None


# ----------------------------------------------------------------------------- directives


def test_directives_at_top() -> None:
    text = "# syntax=docker/dockerfile:1\n#  CHECK = skip=all\n# escape=`\nFROM a\n"
    parsed = parse_dockerfile(text)
    assert [(d.name, d.value, d.honoured) for d in parsed.directives] == [
        ("syntax", "docker/dockerfile:1", True),
        ("check", "skip=all", True),
        ("escape", "`", True),
    ]
    assert parsed.escape == "`"
    assert parsed.directives[0].span == Span.of(1, 1, 1, 29)
    assert parsed.comments == ()


def test_directive_after_comment_is_not_honoured() -> None:
    parsed = parse_dockerfile("# hello\n# escape=`\nFROM a\nRUN x `\n")
    assert parsed.escape == "\\"
    assert [(d.name, d.honoured) for d in parsed.directives] == [("escape", False)]
    assert [c.text for c in parsed.comments] == ["hello", "escape=`"]
    assert parsed.directive("escape") is None


def test_directive_after_blank_line_or_instruction_is_not_honoured() -> None:
    assert not parse_dockerfile("\n# syntax=x\nFROM a\n").directives[0].honoured
    late = parse_dockerfile("FROM a\n# check=skip=all\n")
    assert [(d.name, d.honoured) for d in late.directives] == [("check", False)]


def test_unknown_directive_ends_directives() -> None:
    parsed = parse_dockerfile("# foo=bar\n# escape=`\nFROM a\n")
    assert parsed.escape == "\\"
    assert [(d.name, d.honoured) for d in parsed.directives] == [("escape", False)]


def test_duplicate_directive() -> None:
    parsed = parse_dockerfile("# escape=`\n# escape=\\\nFROM a\n")
    assert parsed.escape == "`"
    assert [d.honoured for d in parsed.directives] == [True, False]
    assert [e.kind for e in parsed.errors] == ["duplicate-directive"]


def test_invalid_escape_value() -> None:
    parsed = parse_dockerfile("# escape=x\nFROM a\n")
    assert parsed.escape == "\\"
    assert [e.kind for e in parsed.errors] == ["bad-directive"]


def test_check_before_escape_is_honoured() -> None:
    text = "# check=skip=JSONArgsRecommended\n# escape=`\nFROM a\nRUN a `\n  b\n"
    parsed = parse_dockerfile(text)
    assert parsed.escape == "`"
    assert [i.keyword for i in parsed.instructions] == ["FROM", "RUN"]


def test_indented_directive() -> None:
    parsed = parse_dockerfile("   #escape=`\nFROM a\n")
    assert parsed.escape == "`"
    assert parsed.directives[0].span.start == Position(1, 4)


# ----------------------------------------------------------------------------- heredocs


def test_heredoc_basic() -> None:
    text = "FROM a\nRUN <<EOF\napk add curl\necho hello > /x\nEOF\nUSER x\n"
    parsed = parse_dockerfile(text)
    run = parsed.instructions[1]
    assert run.span == Span.of(2, 1, 5, 4)
    (doc,) = run.heredocs
    assert (doc.delimiter, doc.strip_tabs, doc.quoted) == ("EOF", False, False)
    assert doc.body == "apk add curl\necho hello > /x"
    assert [(s.line, s.column, s.text) for s in doc.body_lines] == [
        (3, 1, "apk add curl"),
        (4, 1, "echo hello > /x"),
    ]
    assert doc.marker_span == Span.of(2, 5, 2, 10)
    assert doc.span == Span.of(3, 1, 5, 4)
    assert [i.keyword for i in parsed.instructions] == ["FROM", "RUN", "USER"]


def test_heredoc_body_lines_are_not_instructions_or_comments() -> None:
    text = "FROM a\nRUN <<EOF bash\n#!/bin/sh\n# comment\nRUN inside heredoc\nEOF\n"
    parsed = parse_dockerfile(text)
    assert [i.keyword for i in parsed.instructions] == ["FROM", "RUN"]
    assert parsed.comments == ()
    assert parsed.instructions[1].arguments == "<<EOF bash"


def test_heredoc_strip_tabs() -> None:
    text = "FROM a\nCOPY <<-EOT /app/conf.ini\n\t[MAIN]\n\t\tKEY = value\n\tEOT\nUSER x\n"
    copy = parse_dockerfile(text).instructions[1]
    (doc,) = copy.heredocs
    assert doc.strip_tabs
    assert doc.body == "[MAIN]\nKEY = value"
    assert [(s.column, s.text) for s in doc.body_lines] == [(2, "[MAIN]"), (3, "KEY = value")]
    assert copy.span.end == Position(5, 5)


def test_heredoc_without_strip_does_not_accept_indented_terminator() -> None:
    parsed = parse_dockerfile("RUN <<EOF\n\tEOF\nEOF\n")
    (doc,) = parsed.instructions[0].heredocs
    assert doc.body == "\tEOF"


@pytest.mark.parametrize("marker", ["<<'EOF'", '<<"EOF"', "<<E'O'F", "<<-'EOF'"])
def test_quoted_heredoc(marker: str) -> None:
    run = parse_dockerfile(f"RUN {marker}\necho $HOME\nEOF\n").instructions[0]
    (doc,) = run.heredocs
    assert doc.delimiter == "EOF"
    assert doc.quoted


def test_two_heredocs_on_one_line() -> None:
    parsed = parse_dockerfile("FROM a\nRUN <<A cat <<B\nfirst\nA\nsecond\nB\nUSER x\n")
    run = parsed.instructions[1]
    assert [(d.delimiter, d.body) for d in run.heredocs] == [("A", "first"), ("B", "second")]
    assert run.heredocs[1].marker_span == Span.of(2, 13, 2, 16)
    assert run.heredocs[1].span == Span.of(5, 1, 6, 2)
    assert run.span.end == Position(6, 2)
    assert parsed.instructions[2].line == 7


def test_heredoc_terminator_followed_by_instruction() -> None:
    parsed = parse_dockerfile("FROM a\nRUN <<EOF\necho hi\nEOF\nRUN echo after\n")
    assert [(i.keyword, i.span.start.line, i.span.end.line) for i in parsed.instructions] == [
        ("FROM", 1, 1),
        ("RUN", 2, 4),
        ("RUN", 5, 5),
    ]


def test_unterminated_heredoc() -> None:
    parsed = parse_dockerfile("FROM a\nRUN <<EOF\necho hi\nUSER x\n")
    run = parsed.instructions[1]
    assert run.span.end == Position(4, 7)
    assert [e.kind for e in parsed.errors] == ["unterminated-heredoc"]
    assert parsed.errors[0].span == Span.of(2, 5, 2, 10)
    assert run.heredocs[0].body == "echo hi\nUSER x"


def test_unterminated_heredoc_at_end_of_file() -> None:
    parsed = parse_dockerfile("RUN <<EOF")
    assert [e.kind for e in parsed.errors] == ["unterminated-heredoc"]
    assert parsed.instructions[0].heredocs[0].body_lines == ()


@pytest.mark.parametrize(
    "text",
    [
        "FROM a\nENV A=<<EOF\nRUN echo\n",  # not a heredoc instruction
        'FROM a\nRUN ["sh", "-c", "cat <<EOF"]\nUSER x\n',  # JSON form
        'FROM a\nRUN echo "<<EOF"\nUSER x\n',  # quoted
        "FROM a\nRUN cat << EOF\nUSER x\n",  # space: not a heredoc word
        "FROM a\nRUN cat<<EOF\nUSER x\n",  # not a word of its own
    ],
)
def test_not_heredocs(text: str) -> None:
    parsed = parse_dockerfile(text)
    assert all(not i.heredocs for i in parsed.instructions)
    assert len(parsed.instructions) == 3


def test_heredoc_after_continuation_and_with_flags() -> None:
    text = "FROM a\nRUN --mount=type=cache,target=/c \\\n  <<EOF\necho\nEOF\n"
    run = parse_dockerfile(text).instructions[1]
    assert run.flag("mount") is not None
    assert run.heredocs[0].marker_span == Span.of(3, 3, 3, 8)
    assert run.heredocs[0].body_lines[0].line == 4


def test_heredoc_in_onbuild() -> None:
    parsed = parse_dockerfile("FROM a\nONBUILD RUN <<EOF\necho hi\nEOF\nUSER x\n")
    onbuild = parsed.instructions[1]
    assert onbuild.onbuild is not None
    assert onbuild.onbuild.heredocs[0].body == "echo hi"
    assert onbuild.span.end.line == 4
    assert parsed.instructions[2].keyword == "USER"


def test_heredoc_with_file_descriptor_and_redirect() -> None:
    run = parse_dockerfile("RUN 3<<EOF cat\nhi\nEOF\n").instructions[0]
    assert run.heredocs[0].delimiter == "EOF"


# ----------------------------------------------------------------------------- JSON form


def test_json_forms() -> None:
    text = (
        'FROM a\nCMD ["python","-m","app"]\nENTRYPOINT ["a",\\\n  "b"]\n'
        'SHELL ["/bin/bash", "-c"]\nRUN []\n'
    )
    parsed = parse_dockerfile(text)
    assert parsed.instructions[1].json_args == ("python", "-m", "app")
    assert parsed.instructions[1].is_json_form
    assert parsed.instructions[2].json_args == ("a", "b")
    assert parsed.instructions[3].json_args == ("/bin/bash", "-c")
    assert parsed.instructions[4].json_args == ()


@pytest.mark.parametrize("arguments", ["[\"a\", 'b']", "[a", '["a"] extra', '["a",]'])
def test_malformed_json_is_shell_form(arguments: str) -> None:
    cmd = parse_dockerfile(f"CMD {arguments}\n").instructions[0]
    assert cmd.json_args is None
    assert cmd.arguments == arguments


def test_json_with_non_strings_is_an_error() -> None:
    parsed = parse_dockerfile('CMD ["a", 1]\n')
    assert parsed.instructions[0].json_args is None
    assert [e.kind for e in parsed.errors] == ["bad-json"]


def test_json_only_for_exec_form_instructions() -> None:
    parsed = parse_dockerfile('LABEL ["a"]\nVOLUME ["/data"]\nCOPY ["a b", "/c/"]\n')
    assert [i.json_args for i in parsed.instructions] == [None, ("/data",), ("a b", "/c/")]


def test_healthcheck_json() -> None:
    text = 'HEALTHCHECK --interval=5s --timeout=3s CMD ["curl", "-f", "http://x/"]\n'
    health = parse_dockerfile(text).instructions[0]
    assert health.json_args == ("curl", "-f", "http://x/")
    assert [(f.name, f.value) for f in health.flags] == [("interval", "5s"), ("timeout", "3s")]
    none = parse_dockerfile("HEALTHCHECK NONE\n").instructions[0]
    assert none.json_args is None and none.arguments == "NONE"


# ----------------------------------------------------------------------------- flags


def test_flags_with_spans() -> None:
    text = "RUN --mount=type=cache,target=/root/.cache --network=none --link go build\n"
    run = parse_dockerfile(text).instructions[0]
    mount, network, link = run.flags
    assert (mount.name, mount.value) == ("mount", "type=cache,target=/root/.cache")
    assert mount.span == Span.of(1, 5, 1, 43)
    assert mount.value_span == Span.of(1, 13, 1, 43)
    assert (network.name, network.value) == ("network", "none")
    assert (link.name, link.value, link.value_span) == ("link", None, None)
    assert run.arguments == "go build"
    assert run.arguments_span == Span.of(1, 66, 1, 74)


@pytest.mark.parametrize(
    "flag",
    [
        "--from=build",
        "--chown=1:1",
        "--chmod=755",
        "--link",
        "--platform=linux/amd64",
        "--security=insecure",
        "--checksum=sha256:abc",
        "--keep-git-dir=true",
        "--exclude=*.md",
        "--parents",
        "--network=host",
    ],
)
def test_known_flags(flag: str) -> None:
    copy = parse_dockerfile(f"COPY {flag} a /b\n").instructions[0]
    (parsed,) = copy.flags
    name, _, value = flag[2:].partition("=")
    assert parsed.name == name
    assert parsed.value == (value if "=" in flag else None)
    assert copy.arguments == "a /b"


def test_quoted_flag_value_and_double_dash() -> None:
    copy = parse_dockerfile('COPY --chown="app user" -- --weird /x\n').instructions[0]
    assert [(f.name, f.value) for f in copy.flags] == [("chown", "app user")]
    assert copy.arguments == "--weird /x"


def test_last_flag_wins() -> None:
    copy = parse_dockerfile("COPY --from=a --from=b x y\n").instructions[0]
    flag = copy.flag("from")
    assert flag is not None and flag.value == "b"
    assert copy.flag("chown") is None


def test_flag_on_continuation_line() -> None:
    text = "RUN \\\n  --mount=type=secret,id=x \\\n  cat /run/secrets/x\n"
    run = parse_dockerfile(text).instructions[0]
    assert run.flags[0].span == Span.of(2, 3, 2, 27)
    assert run.arguments_span == Span.of(3, 3, 3, 21)


# ----------------------------------------------------------------------------- words


def test_words_keep_quotes() -> None:
    run = parse_dockerfile("""RUN echo "a b" 'c d' e\\ f "x"y\n""").instructions[0]
    assert [w.text for w in run.words] == ["echo", '"a b"', "'c d'", "e\\ f", '"x"y']
    assert run.words[1].span == Span.of(1, 10, 1, 15)


def test_unterminated_quote_runs_to_the_end() -> None:
    run = parse_dockerfile("RUN echo 'a b\n").instructions[0]
    assert [w.text for w in run.words] == ["echo", "'a b"]


def test_columns_are_characters() -> None:
    parsed = parse_dockerfile('LABEL d="caf\u00e9 \u2603" x=1\n')
    label = parsed.instructions[0]
    assert label.words[1].span == Span.of(1, 18, 1, 21)
    assert text_of(parsed, label.words[1].span) == "x=1"


# ----------------------------------------------------------------------------- ONBUILD


def test_onbuild_wraps_inner_instruction() -> None:
    parsed = parse_dockerfile("FROM a\nonbuild copy --from=x . /app\n")
    onbuild = parsed.instructions[1]
    assert onbuild.keyword == "ONBUILD"
    inner = onbuild.onbuild
    assert inner is not None
    assert (inner.keyword, inner.raw_keyword) == ("COPY", "copy")
    assert inner.keyword_span == Span.of(2, 9, 2, 13)
    assert inner.flag("from") is not None
    assert inner.arguments == ". /app"
    assert inner.stage_index == 0


def test_onbuild_onbuild_does_not_recurse_forever() -> None:
    parsed = parse_dockerfile("ONBUILD " * 2000 + "RUN x\n")
    outer = parsed.instructions[0]
    assert outer.onbuild is not None and outer.onbuild.onbuild is None


# ----------------------------------------------------------------------------- key/values


def test_env_forms() -> None:
    parsed = parse_dockerfile('ENV A=1 B="two words" C=\nENV LEGACY some value here\n')
    pairs = split_key_values(parsed.instructions[0])
    assert [(p.key, p.value, p.raw_value) for p in pairs] == [
        ("A", "1", "1"),
        ("B", "two words", '"two words"'),
        ("C", "", ""),
    ]
    assert pairs[1].span == Span.of(1, 9, 1, 22)
    assert pairs[1].key_span == Span.of(1, 9, 1, 10)
    (legacy,) = split_key_values(parsed.instructions[1])
    assert (legacy.key, legacy.value) == ("LEGACY", "some value here")
    assert legacy.span == Span.of(2, 5, 2, 27)
    assert legacy.key_span == Span.of(2, 5, 2, 11)


def test_arg_and_label() -> None:
    parsed = parse_dockerfile('ARG A B=2\nLABEL "com.ex.vendor"="ACME" other=\'x y\'\n')
    assert [(p.key, p.value) for p in split_key_values(parsed.instructions[0])] == [
        ("A", None),
        ("B", "2"),
    ]
    assert [(p.key, p.value) for p in split_key_values(parsed.instructions[1])] == [
        ("com.ex.vendor", "ACME"),
        ("other", "x y"),
    ]


def test_key_values_across_continuations() -> None:
    parsed = parse_dockerfile("ENV A=1 \\\n    B=2\n")
    pairs = split_key_values(parsed.instructions[0])
    assert [(p.key, p.key_span) for p in pairs] == [
        ("A", Span.of(1, 5, 1, 6)),
        ("B", Span.of(2, 5, 2, 6)),
    ]


def test_key_values_use_the_file_escape() -> None:
    parsed = parse_dockerfile("# escape=`\nENV A=x` y B=2\n")
    assert [(p.key, p.value) for p in split_key_values(parsed.instructions[0])] == [
        ("A", "x y"),
        ("B", "2"),
    ]


def test_non_key_value_instruction_has_no_pairs() -> None:
    assert split_key_values(parse_dockerfile("RUN a=b\n").instructions[0]) == []


# ----------------------------------------------------------------------------- stages


def test_stages() -> None:
    text = (
        "ARG VERSION=3.19\nARG REG=docker.io\n"
        "FROM --platform=$BUILDPLATFORM ${REG}/alpine:${VERSION} AS Build\n"
        "RUN make\n"
        "FROM build as test\nRUN test\n"
        "FROM scratch\nCOPY --from=build /a /a\n"
    )
    parsed = parse_dockerfile(text)
    assert [(a.key, a.value) for a in parsed.global_args] == [
        ("VERSION", "3.19"),
        ("REG", "docker.io"),
    ]
    build, test, final = parsed.stages
    assert (build.index, build.name, build.platform) == (0, "Build", "$BUILDPLATFORM")
    assert build.name_span == Span.of(3, 60, 3, 65)
    image = build.image
    assert image is not None
    assert image.text == "${REG}/alpine:${VERSION}"
    assert image.resolved == "docker.io/alpine:3.19"
    assert (image.registry, image.repository, image.tag, image.digest) == (
        "docker.io",
        "alpine",
        "3.19",
        None,
    )
    assert image.span == Span.of(3, 32, 3, 56)
    assert [i.keyword for i in build.instructions] == ["RUN"]
    assert (test.name, test.base_stage) == ("test", 0)
    assert final.image is not None and final.image.is_scratch
    assert final.base_stage is None
    assert [i.stage_index for i in parsed.instructions] == [None, None, 0, 0, 1, 1, 2, 2]
    assert parsed.stage_by_name("BUILD") is build
    assert build.span == Span.of(3, 1, 4, 9)


@pytest.mark.parametrize(
    ("written", "resolved", "unresolved"),
    [
        ("${TAG:-latest}", "latest", ()),
        ("$TAG", "", ("TAG",)),
        ("${TAG:+x}", "", ()),
        ("${NOPE}", "", ("NOPE",)),
        ("${SET:-other}", "3", ()),
        ("${SET:+plus}", "plus", ()),
    ],
)
def test_image_variables(written: str, resolved: str, unresolved: tuple[str, ...]) -> None:
    parsed = parse_dockerfile(f"ARG TAG\nARG SET=3\nFROM alpine:{written}\n")
    image = parsed.stages[0].image
    assert image is not None
    assert image.resolved == f"alpine:{resolved}"
    assert image.unresolved_variables == unresolved


def test_global_args_reference_each_other() -> None:
    parsed = parse_dockerfile("ARG A=1\nARG B=${A}.2\nFROM x:$B\n")
    image = parsed.stages[0].image
    assert image is not None and image.tag == "1.2"


def test_automatic_platform_args_are_not_unresolved() -> None:
    image = parse_dockerfile("FROM alpine:$TARGETARCH\n").stages[0].image
    assert image is not None
    assert image.unresolved_variables == ()
    assert image.tag == "$TARGETARCH"


@pytest.mark.parametrize(
    ("reference", "parts"),
    [
        ("python", (None, "python", None, None)),
        ("python:3.12-slim", (None, "python", "3.12-slim", None)),
        ("library/python:3", (None, "library/python", "3", None)),
        ("ghcr.io/org/app:1.0", ("ghcr.io", "org/app", "1.0", None)),
        ("localhost:5000/app", ("localhost:5000", "app", None, None)),
        ("localhost/app:1", ("localhost", "app", "1", None)),
        ("alpine@sha256:abc", (None, "alpine", None, "sha256:abc")),
        ("alpine:3.20@sha256:abc", (None, "alpine", "3.20", "sha256:abc")),
        ("my.registry:5000/a/b:c@sha256:d", ("my.registry:5000", "a/b", "c", "sha256:d")),
    ],
)
def test_image_reference_parts(reference: str, parts: tuple[str | None, ...]) -> None:
    image = parse_dockerfile(f"FROM {reference}\n").stages[0].image
    assert image is not None
    assert (image.registry, image.repository, image.tag, image.digest) == parts


def test_from_without_image_and_instructions_before_from() -> None:
    parsed = parse_dockerfile("RUN x\nFROM\n")
    assert parsed.instructions[0].stage_index is None
    assert parsed.stages[0].image is None


def test_base_stage_only_for_earlier_stages() -> None:
    parsed = parse_dockerfile("FROM later AS first\nFROM alpine AS later\n")
    assert parsed.stages[0].base_stage is None


def test_parse_is_deterministic_and_equal() -> None:
    text = "FROM a AS b\nRUN <<EOF\nx\nEOF\nCOPY --from=b /a /b\n"
    assert parse_dockerfile(text) == parse_dockerfile(text)
