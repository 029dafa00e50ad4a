"""The compose command-line scanner reads shell scripts through the shell view.

``unquote_offsets`` says where each unquoted character is written, so DC330/DC331 can point
at part of a word; ``Command.assignments`` and ``ShellScript.assignments`` give ``VAR=x``
words their spans.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from linter.rules._command_secrets import command_lines, script_commands

from linter.compose.nodes import ScalarNode
from linter.compose.project import load_project
from linter.diagnostics import Position, Span
from linter.dockerfile.ast import SourceLine
from linter.dockerfile.shell import parse_script, unquote, unquote_offsets

_RAW = st.text(alphabet=list("ab$'\"\\`(){}-=: \nxé"), max_size=25)


@settings(max_examples=500)
@given(_RAW)
def test_unquote_offsets_agrees_with_unquote(raw: str) -> None:
    text, where = unquote_offsets(raw)
    assert text == unquote(raw)[0]
    assert len(where) == len(text)
    if "$'" not in raw:
        assert all(raw[at] == char for at, char in zip(where, text, strict=True))


def test_unquote_offsets_points_into_quotes() -> None:
    assert unquote_offsets("--password='a b'") == ("--password=a b", (*range(11), 12, 13, 14))
    assert unquote_offsets('"x\\"y"$Z') == ('x"y$Z', (1, 3, 4, 6, 7))
    assert unquote_offsets("$'a\\tb'") == ("a\tb", (0, 0, 0))


def test_assignments_keep_their_spans() -> None:
    script = parse_script([SourceLine(3, 5, "A=1 B='x y' make; C=2 D=3")], assignment_words=True)
    (command,) = script.commands
    assert [(w.text, w.span.start.column) for w in command.assignments] == [
        ("A=1", 5),
        ("B=x y", 9),
    ]
    assert command.env == (("A", "1"), ("B", "x y"))
    assert [(w.text, w.span.start.column) for w in script.assignments] == [("C=2", 23), ("D=3", 27)]
    plain = parse_script([SourceLine(3, 5, "A=1 make; C=2")])
    assert (plain.commands[0].assignments, plain.assignments) == ((), ())


def _node(text: str) -> ScalarNode:
    span = Span(Position(1, 1), Position(1, 1 + len(text)))
    return ScalarNode("compose.yaml", span, text, text, "plain", "tag:yaml.org,2002:str")


def test_script_words_point_at_the_scalar() -> None:
    text = "é=1; X=\"a b\" run --pw='s3'\n  && echo $(hidden --pw=x) # c --pw=no"
    node = _node("sh -c " + text)  # the script starts at offset 6 of the scalar
    commands = script_commands(text, node, range(6, 6 + len(text)))
    assert [[w.text for w in words] for words in commands] == [
        ["X=a b", "run", "--pw=s3"],
        ["echo", "$(hidden --pw=x)"],
        ["é=1"],
    ]
    for words in commands:
        for word in words:
            chars = [node.text[at] for at in word.offsets]
            assert "".join(chars) == word.text
    assert node.text[commands[0][2].start : commands[0][2].end] == "--pw='s3'"


def _found(service_yaml: str) -> list[tuple[str, str]]:
    text = "services:\n  s:\n    image: alpine:3.20\n" + service_yaml
    project = load_project("compose.yaml", text=text, override_paths=[])
    return [
        (item.option, item.node.text[item.start : item.end])
        for _field, found in command_lines(project.services["s"])
        for item in found
    ]


def test_assignment_only_statement_in_a_script_is_read() -> None:
    found = _found("    command: sh -c 'PGPASSWORD=hunter2; export X=1; exec psql'\n")
    assert found == [("PGPASSWORD", "hunter2")]


def test_string_command_is_no_shell_script() -> None:
    # compose splits a string command like shlex: ``;`` is part of a word, not an operator.
    assert _found("    command: redis-server --requirepass hunter2;x\n") == [
        ("--requirepass", "hunter2;x")
    ]
