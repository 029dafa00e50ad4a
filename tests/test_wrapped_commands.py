"""Rules read the program a RUN really runs, past ``sudo``, ``gosu``, ``env`` and the like."""

from __future__ import annotations

from linter.rules import df_packages, df_pinning, df_security, df_shell

from linter import Diagnostic, DockerfileContext, Rule
from linter.dispatch import check_rule
from linter.dockerfile.parser import parse_dockerfile

RULES: tuple[type[Rule], ...] = (
    *df_packages.RULES,
    *df_pinning.RULES,
    *df_security.RULES,
    *df_shell.RULES,
)


def lint(text: str, code: str) -> list[Diagnostic]:
    context = DockerfileContext(dockerfile=parse_dockerfile(text, "Dockerfile"))
    (rule,) = [rule() for rule in RULES if rule.code == code]
    return sorted(check_rule(rule, context), key=lambda d: d.sort_key)


def test_git_clone_behind_sudo_with_options_is_seen() -> None:
    # The clone check used to skip only a bare ``sudo``: ``sudo -u USER git clone`` hid it.
    text = "FROM debian:12\nRUN sudo -u app git clone https://github.com/org/repo /opt/repo\n"
    (found,) = lint(text, "DF512")
    assert (found.span.start.column, found.span.end.column) == (21, 26)  # the word "clone"
    pinned = text.replace("git clone", "git clone --branch v1.2")
    assert lint(pinned, "DF512") == []


def test_package_rules_see_through_user_switchers() -> None:
    assert lint("FROM debian:12\nRUN gosu root apt-get install curl\n", "DF520")
    assert not lint("FROM debian:12\nRUN gosu root apt-get install -y curl\n", "DF520")
    assert not lint("FROM debian:12\nRUN yes | sudo apt-get install curl\n", "DF520")


def test_pointless_command_is_the_wrapped_one() -> None:
    (found,) = lint("FROM debian:12\nRUN sudo -u app service nginx start\n", "DF600")
    assert found.span.start.column == 17
    assert "`service`" in found.message


def test_sudo_is_reported_once_per_run() -> None:
    text = "FROM debian:12\nUSER app\nRUN sudo apt-get update && sudo apt-get install -y x\n"
    assert len(lint(text, "DF402")) == 1
    two_runs = text + "RUN sudo rm -rf /tmp/x\n"
    assert [d.span.start.line for d in lint(two_runs, "DF402")] == [3, 4]
    assert lint("FROM debian:12\nRUN sudo -u app make\n", "DF402") == []
