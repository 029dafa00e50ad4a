"""The one model of a command line: program past wrappers, options, positionals, spans."""

from __future__ import annotations

import pytest

from linter.diagnostics import Position, Span
from linter.dockerfile.ast import SourceLine
from linter.dockerfile.shell import (
    Command,
    basename,
    parse_script,
    program_start,
    split_arguments,
)


def command(text: str) -> Command:
    (found,) = parse_script([SourceLine(1, 1, text)]).commands
    return found


@pytest.mark.parametrize(
    ("text", "program", "args", "environment"),
    [
        (
            "sudo -u app env A=1 B=2 nice -n 5 apt-get -y install x",
            "apt-get",
            ["-y", "install", "x"],
            {"A": "1", "B": "2"},
        ),
        ("timeout -s KILL 30 curl -f https://x", "curl", ["-f", "https://x"], {}),
        ("gosu app:app node server.js", "node", ["server.js"], {}),
        ("su-exec app node server.js", "node", ["server.js"], {}),
        ("exec -a name tini -- python app.py", "python", ["app.py"], {}),
        ("sudo --user app git clone x", "git", ["clone", "x"], {}),
        ("stdbuf -oL eatmydata apt-get install x", "apt-get", ["install", "x"], {}),
        ("X=1 /usr/bin/pip install y", "pip", ["install", "y"], {"X": "1"}),
        ("env", None, [], {}),
        ("gosu app", None, [], {}),
        ("apt-get install x", "apt-get", ["install", "x"], {}),
    ],
)
def test_program_is_past_the_wrappers(
    text: str, program: str | None, args: list[str], environment: dict[str, str]
) -> None:
    found = command(text)
    assert found.program == program
    assert list(found.arg_texts) == args
    assert found.environment == environment


def test_options_and_positionals_are_the_programs() -> None:
    found = command("sudo -u root apt-get -o Dpkg::Options::=--force-confold -qy install curl")
    assert [(o.name, o.value) for o in found.options()] == [
        ("-o", "Dpkg::Options::=--force-confold"),
        ("-q", None),
        ("-y", None),
    ]
    assert [word.text for word in found.positionals()] == ["install", "curl"]
    assert found.subcommand() == "install"
    assert found.has_option("-y") and not found.has_option("-u")


def test_every_word_keeps_its_span() -> None:
    found = command("sudo rm -rf /tmp/x")
    assert (found.head, found.program, found.start) == ("sudo", "rm", 1)
    assert found.word_span(3) == Span(Position(1, 13), Position(1, 19))
    assert found.word_span(9) == found.span
    assert found.from_word(1) == Span(Position(1, 6), found.span.end)
    edit = found.insert_after(2, "--one-file-system")
    assert edit.span == Span(Position(1, 12), Position(1, 12))
    assert edit.text == " --one-file-system"
    option = found.options()[0]
    assert (option.name, option.index) == ("-r", 2)
    assert found.word_span(option.index).start == Position(1, 9)


@pytest.mark.parametrize(
    ("texts", "takes", "single_dash_long", "options", "positionals"),
    [
        (
            ["tar", "-xzf", "a.tgz", "-C", "/x"],
            {"-f", "-C"},
            False,
            [("-x", None), ("-z", None), ("-f", "a.tgz"), ("-C", "/x")],
            [],
        ),
        (["apt-get", "-q=2", "install"], set(), False, [("-q", "2")], [2]),
        (["rm", "-$FLAGS", "-", "x"], set(), False, [], [1, 2, 3]),
        (["rm", "-f", "--", "-x"], set(), False, [("-f", None)], [3]),
        (
            ["curl", "--output=a", "--header", "h", "u"],
            {"--header"},
            False,
            [("--output", "a"), ("--header", "h")],
            [5 - 1],
        ),
        (
            ["go", "build", "-ldflags", "-s -w", "-o", "app"],
            {"-ldflags", "-o"},
            True,
            [("-ldflags", "-s -w"), ("-o", "app")],
            [1],
        ),
        (["go", "-ldflags", "x"], {"-ldflags"}, False, [("-ldflags", "x")], []),
        (["useradd", "-u"], {"-u"}, False, [("-u", None)], []),
    ],
)
def test_split_arguments(
    texts: list[str],
    takes: set[str],
    single_dash_long: bool,
    options: list[tuple[str, str | None]],
    positionals: list[int],
) -> None:
    found, indices = split_arguments(texts, 0, takes, single_dash_long)
    assert [(o.name, o.value) for o in found] == options
    assert list(indices) == positionals


def test_program_start_skips_assignments_and_wrapper_options() -> None:
    assert program_start(["env", "-u", "X", "A=1", "npm", "ci"]) == 4
    assert program_start(["nice", "-n", "5", "--", "make"]) == 4
    assert program_start(["timeout", "30"]) == 2
    assert program_start([]) == 0


def test_basename() -> None:
    assert basename("/usr/bin/apt-get") == "apt-get"
    assert basename("pip3") == "pip3"
    assert basename("/opt/bin/") == "bin"
