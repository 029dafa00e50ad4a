"""``runuser`` runs a command only with ``-u USER``; in its su form it runs a shell script."""

from __future__ import annotations

import pytest

from linter.dockerfile.ast import SourceLine
from linter.dockerfile.shell import Command, parse_script, program_chain


def command(text: str) -> Command:
    (found,) = parse_script([SourceLine(1, 1, text)]).commands
    return found


@pytest.mark.parametrize(
    ("text", "program", "args"),
    [
        ("runuser -u app -- make install", "make", ["install"]),
        ("runuser -u app make install", "make", ["install"]),
        ("runuser -uapp make", "make", []),
        ("runuser --user=app -- make", "make", []),
        ("runuser --user app -g staff make", "make", []),
        ("runuser -g staff -u app apt-get install -y x", "apt-get", ["install", "-y", "x"]),
    ],
)
def test_runuser_with_a_user_runs_the_command(text: str, program: str, args: list[str]) -> None:
    found = command(text)
    assert found.program == program
    assert list(found.arg_texts) == args


@pytest.mark.parametrize(
    "text",
    [
        "runuser -l postgres -c 'pg_ctl start'",
        "runuser postgres -c 'pg_ctl start'",
        "runuser -s /bin/sh app -c 'make'",
        "runuser -l app",
    ],
)
def test_runuser_in_its_su_form_is_the_program(text: str) -> None:
    # The user is no program: without -u, runuser works like su and runs a shell.
    found = command(text)
    assert found.program == "runuser"
    assert found.start == 0


def test_program_chain_stops_at_runuser_without_a_user() -> None:
    assert program_chain(["sudo", "runuser", "-l", "app", "-c", "x"]) == [0, 1]
    assert program_chain(["sudo", "runuser", "-u", "app", "x"]) == [0, 1, 4]
