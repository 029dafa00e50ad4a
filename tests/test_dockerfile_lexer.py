"""Line-level lexing (lines, directives, words, heredoc markers) and word processing
(quote removal, variable substitution) of Dockerfiles."""

from __future__ import annotations

import pytest

from linter.dockerfile.lexer import (
    heredoc_markers,
    json_array,
    lex,
    match_directive,
    split_lines,
    unquote_word,
    word_pattern,
)
from linter.dockerfile.variables import expand, substitute, unquote


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("", []),
        ("a", ["a"]),
        ("a\n", ["a"]),
        ("a\n\n", ["a", ""]),
        ("a\r\nb\r\n", ["a", "b"]),
        ("a\rb\n", ["a\rb"]),  # BuildKit splits on \n only
        ("a\x0cb\u2028c\n", ["a\x0cb\u2028c"]),  # no str.splitlines surprises
    ],
)
def test_split_lines(text: str, lines: list[str]) -> None:
    assert split_lines(text) == lines


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("# syntax=docker/dockerfile:1", ("syntax", "docker/dockerfile:1")),
        ("#ESCAPE=`", ("escape", "`")),
        ("#  check =  skip=all  ", ("check", "skip=all")),
        ("# foo=bar", None),
        ("# syntax", None),
        ("# hadolint ignore=DL3008", None),
        ("#syntax=", None),
    ],
)
def test_match_directive(line: str, expected: tuple[str, str] | None) -> None:
    assert match_directive(line) == expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("a b  c", ["a", "b", "c"]),
        ("'a b' \"c d\"", ["'a b'", '"c d"']),
        ('a"b c"d e', ['a"b c"d', "e"]),
        ("a\\ b c", ["a\\ b", "c"]),
        ('"a \\" b" c', ['"a \\" b"', "c"]),
        ("'a \\' b", ["'a \\'", "b"]),  # nothing is escaped inside single quotes
        ("'open quote", ["'open quote"]),
        ("trailing\\", ["trailing\\"]),
    ],
)
def test_word_pattern_backslash(text: str, words: list[str]) -> None:
    assert [m.group() for m in word_pattern("\\").finditer(text)] == words


def test_word_pattern_backtick() -> None:
    assert [m.group() for m in word_pattern("`").finditer("a` b c\\ d")] == ["a` b", "c\\", "d"]


@pytest.mark.parametrize(
    ("word", "escape", "expected"),
    [
        ("plain", "\\", "plain"),
        ("'a b'", "\\", "a b"),
        ('"a \\" b"', "\\", 'a " b'),
        ('"a\\nb"', "\\", "a\\nb"),
        ("a\\ b", "\\", "a b"),
        ("a` b", "`", "a b"),
        ("'$HOME'", "\\", "$HOME"),
    ],
)
def test_unquote(word: str, escape: str, expected: str) -> None:
    assert unquote_word(word, escape) == expected
    assert unquote(word, escape) == expected


@pytest.mark.parametrize(
    ("line", "markers"),
    [
        ("RUN <<EOF", [("EOF", False, False)]),
        ("RUN <<-EOF", [("EOF", True, False)]),
        ("RUN <<'EOF'", [("EOF", False, True)]),
        ('RUN <<"EOF" python', [("EOF", False, True)]),
        ("RUN <<A cat <<-B", [("A", False, False), ("B", True, False)]),
        ("RUN 2<<ERR cat", [("ERR", False, False)]),
        ("RUN cat << EOF", []),
        ("RUN a<<EOF", []),
        ('RUN echo "<<EOF"', []),
        ("RUN <<", []),
    ],
)
def test_heredoc_markers(line: str, markers: list[tuple[str, bool, bool]]) -> None:
    found = heredoc_markers(line)
    assert [(m.delimiter, m.strip_tabs, m.quoted) for m in found] == markers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('["a", "b"]', ["a", "b"]),
        ("  []  ", []),
        ('["a", 1]', False),
        ("[a]", None),
        ("not json", None),
        ('{"a": 1}', None),
        ("[" * 5000, None),
    ],
)
def test_json_array(text: str, expected: list[str] | bool | None) -> None:
    assert json_array(text) == expected


def test_lex_groups_lines() -> None:
    result = lex("# syntax=x\nFROM a\nRUN b \\\n  # c\n  d\n\nRUN <<E\nbody\nE\n")
    assert [line.text for line in result.logical_lines] == ["FROM a", "RUN b   d", "RUN <<E"]
    assert [(c.line, c.text) for c in result.comments] == [(4, "c")]
    assert result.logical_lines[2].heredocs[0].body_lines == [(8, 1, "body")]
    assert result.logical_lines[2].end.line == 9


# ----------------------------------------------------------------------------- substitution

ENV = {"A": "1", "EMPTY": "", "NAME": "world", "PATH": "/usr/bin", "FILE": "archive.tar.gz"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$A", "1"),
        ("${A}", "1"),
        ("x${A}y", "x1y"),
        ("$NOPE", ""),
        ("${NOPE:-default}", "default"),
        ("${EMPTY:-default}", "default"),
        ("${EMPTY-default}", ""),
        ("${NOPE-default}", "default"),
        ("${A:+set}", "set"),
        ("${EMPTY:+set}", ""),
        ("${EMPTY+set}", "set"),
        ("${NOPE+set}", ""),
        ("${NOPE:-${A}}", "1"),
        ("${NOPE:-a b}", "a b"),
        ("'$A'", "$A"),
        ('"$A"', "1"),
        ('"\\$A"', "$A"),
        ("\\$A", "$A"),
        ("$", "$"),
        ("a$", "a$"),
        ("$1", ""),
        ("${FILE%.gz}", "archive.tar"),
        ("${FILE%%.*}", "archive"),
        ("${FILE#*.}", "tar.gz"),
        ("${FILE##*.}", "gz"),
        ("${NAME/o/0}", "w0rld"),
        ("${PATH//\\//:}", ":usr:bin"),
        ("$PATH:/x", "/usr/bin:/x"),
        ("${A", "1"),  # unterminated: BuildKit errors; we never raise
    ],
)
def test_substitute(text: str, expected: str) -> None:
    assert substitute(text, ENV) == expected


def test_substitute_backtick_escape() -> None:
    assert substitute("`$A", ENV, escape="`") == "$A"


def test_expand_lists_unresolved_once() -> None:
    value, unresolved = expand("$X-${X}-${Y:-d}-${Z:?need Z}", {})
    assert value == "--d-"
    assert unresolved == ["X", "Z"]


def test_expand_deep_nesting_does_not_raise() -> None:
    text = "${A:-" * 5000 + "x" + "}" * 5000
    value, _ = expand(text, {})
    assert isinstance(value, str)
