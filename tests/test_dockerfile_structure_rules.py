"""The Dockerfile structure rules (df_from, df_instructions, df_labels, df_stages) and their
helpers (_dockerfile_words): what the fixtures cannot show."""

from __future__ import annotations

import pytest
from linter.rules._dockerfile_words import resolve_from, strip_quotes, variable_refs
from linter.rules.df_from import GlobalArgNotRedeclared, is_valid_reference
from linter.rules.df_instructions import LegacyKeyValue, ShellFormCommand
from linter.rules.df_labels import _is_rfc3339, _is_spdx
from linter.rules.df_stages import FinalStageOnSdk

from linter import Rule
from linter.context import DockerfileContext
from linter.dispatch import check_rule
from linter.dockerfile.parser import parse_dockerfile


def _findings(rule: Rule, text: str) -> list[tuple[int, int, str]]:
    context = DockerfileContext(dockerfile=parse_dockerfile(text, "Dockerfile"))
    return [(d.span.start.line, d.span.start.column, d.message) for d in check_rule(rule, context)]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("$A ${B} ${C:-$D}", ["A", "B", "C", "D"]),
        ("'$A' \"$B\"", ["B"]),
        ("\\$A $1 $$", []),
        ("pre${NAME}post", ["NAME"]),
    ],
)
def test_variable_refs(text: str, names: list[str]) -> None:
    assert [ref.name for ref in variable_refs(text)] == names


def test_variable_ref_offsets_and_defaults() -> None:
    refs = variable_refs("x${A:-1}y$B")
    assert (refs[0].start, refs[0].end, refs[0].has_default) == (1, 8, True)
    assert (refs[1].start, refs[1].end, refs[1].has_default) == (9, 11, False)


def test_strip_quotes() -> None:
    assert strip_quotes('"a b"\'c\'d\\"') == 'a bcd"'


def test_resolve_from_by_name_index_and_order() -> None:
    dockerfile = parse_dockerfile("FROM a AS Build\nFROM b\nFROM c AS later\n")
    assert resolve_from(dockerfile, "build") is dockerfile.stages[0]
    assert resolve_from(dockerfile, "1") is dockerfile.stages[1]
    assert resolve_from(dockerfile, "later", before=2) is None
    assert resolve_from(dockerfile, "nginx") is None


@pytest.mark.parametrize(
    ("reference", "valid"),
    [
        ("alpine", True),
        ("alpine:3.20", True),
        ("ghcr.io/org/app:1.0", True),
        ("localhost:5000/app", True),
        ("python@sha256:" + "a" * 64, True),
        ("alpine:", False),
        ("Alpine", False),
        ("", False),
        ("a//b", False),
    ],
)
def test_reference_grammar(reference: str, valid: bool) -> None:
    assert is_valid_reference(reference) is valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("MIT", True),
        ("Apache-2.0 OR MIT", True),
        ("(MIT AND BSD-3-Clause) OR GPL-2.0+", True),
        ("GPL-2.0-only WITH Classpath-exception-2.0", True),
        ("LicenseRef-Acme", True),
        ("MIT License", False),
        ("GPLv3", False),
        ("MIT OR", False),
        ("(MIT", False),
        ("", False),
    ],
)
def test_spdx_expressions(value: str, valid: bool) -> None:
    assert _is_spdx(value) is valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("2024-05-01T12:00:00Z", True),
        ("2024-05-01t12:00:00.5+02:00", True),
        ("2024-02-30T00:00:00Z", False),
        ("2024-05-01", False),
    ],
)
def test_rfc3339(value: str, valid: bool) -> None:
    assert _is_rfc3339(value) is valid


def test_global_arg_assigned_by_the_shell_is_not_reported() -> None:
    text = "ARG V=1\nFROM alpine:3.20\nRUN for V in 1 2; do echo $V; done\n"
    assert _findings(GlobalArgNotRedeclared(), text) == []


def test_global_arg_redeclared_in_parent_stage_does_not_carry_over() -> None:
    text = "ARG V=1\nFROM alpine:3.20 AS base\nARG V\nFROM base\nRUN echo $V\n"
    assert [f[:2] for f in _findings(GlobalArgNotRedeclared(), text)] == [(5, 10)]


def test_shell_form_fix_only_when_the_split_is_certain() -> None:
    rule = ShellFormCommand()
    plain = parse_dockerfile("FROM alpine:3.20\nCMD node server.js\n")
    risky = parse_dockerfile("FROM alpine:3.20\nCMD node server.js > /log 2>&1\n")
    fixes = [d.fix for d in check_rule(rule, DockerfileContext(dockerfile=plain))]
    assert fixes[0] is not None and fixes[0].edits[0].text == '["node", "server.js"]'
    assert [d.fix for d in check_rule(rule, DockerfileContext(dockerfile=risky))] == [None]


def test_legacy_env_fix_refuses_values_it_cannot_quote() -> None:
    rule = LegacyKeyValue()
    dockerfile = parse_dockerfile('FROM alpine:3.20\nENV GREETING hello "big" world\n')
    assert [d.fix for d in check_rule(rule, DockerfileContext(dockerfile=dockerfile))] == [None]


def test_final_stage_on_sdk_needs_a_builder() -> None:
    single = "FROM rust:1.81\nCOPY . .\nRUN cargo build --release\n"
    assert _findings(FinalStageOnSdk(), single) == []
    jdk = (
        "FROM maven:3.9 AS build\nRUN mvn package\nFROM eclipse-temurin:21-jdk\n"
        "COPY --from=build /t/app.jar /app.jar\n"
    )
    assert [f[:2] for f in _findings(FinalStageOnSdk(), jdk)] == [(3, 6)]
