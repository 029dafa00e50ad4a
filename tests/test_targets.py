"""Engine-dispatched targets: every node reaches the rules of its target once, a rule that
crashes is stopped and reported once, and the context answers scope questions per file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from linter import (
    BuildLinkRule,
    ComposeContext,
    Diagnostic,
    DockerfileContext,
    DockerfileRule,
    InstructionRule,
    Rule,
    RunCommandRule,
    ServiceRule,
    Severity,
    StageRule,
    Target,
)
from linter.compose.model import Service
from linter.context import BuildLink
from linter.dispatch import ComposeRules, DockerfileRules, check_rule
from linter.dockerfile.ast import Instruction, Stage
from linter.dockerfile.parser import parse_dockerfile
from linter.dockerfile.shell import Command
from linter.engine import Settings, lint_source
from linter.loading import build_links, load_compose
from linter.registry import load_registry
from linter.rule import metadata_problems

DOCKERFILE = """\
# syntax=docker/dockerfile:1
ARG PYTHON=3.12
FROM python:${PYTHON}-slim AS base
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
WORKDIR /srv
RUN apt-get update && apt-get install -y --no-install-recommends curl \\
    && rm -rf /var/lib/apt/lists/*
USER app
WORKDIR "app"

FROM base AS build
RUN pip install --no-cache-dir build | tee /tmp/log
USER root
ONBUILD RUN make -C /src
WORKDIR ../lib

FROM debian:12 AS runtime
COPY --from=build /srv/lib /opt/lib
RUN echo ready
"""


def _context(text: str = DOCKERFILE) -> DockerfileContext:
    return DockerfileContext(dockerfile=parse_dockerfile(text, "Dockerfile"))


def _instruction(context: DockerfileContext, line: int) -> Instruction:
    for instruction in context.dockerfile.instructions:
        if instruction.span.start.line == line:
            return instruction
    raise AssertionError(f"no instruction on line {line}")


class _Meta:
    """Metadata the test rules share (valid, so the registry would accept them)."""

    tags = ("best-practice",)
    severity = Severity.INFO
    summary = "test rule"
    description = "A rule used by tests."
    bad = "FROM scratch\n"
    good = "FROM scratch\n"


class SeenStages(_Meta, StageRule):
    code = "DF990"
    name = "seen-stages"

    def check(self, stage: Stage, context: DockerfileContext) -> Iterator[Diagnostic]:
        yield self.report(context.path, stage.from_instruction.span, f"stage {stage.index}")


class SeenRuns(_Meta, InstructionRule):
    code = "DF991"
    name = "seen-runs"
    keywords = frozenset({"RUN"})
    onbuild = True

    def check(self, instruction: Instruction, context: DockerfileContext) -> Iterator[Diagnostic]:
        yield self.report(context.path, instruction.span, instruction.arguments[:12])


class SeenCommands(_Meta, RunCommandRule):
    code = "DF992"
    name = "seen-commands"

    def check(self, command: Command, context: DockerfileContext) -> Iterator[Diagnostic]:
        instruction = context.instruction_of(command)
        stage = context.stage_of(command)
        assert stage is not None
        assert command in context.script_of(command).commands
        yield self.report(
            context.path, command.span, f"{command.name} in RUN line {instruction.line}"
        )


class CrashesOnSecondStage(_Meta, StageRule):
    code = "DF993"
    name = "crashes-on-second-stage"

    def check(self, stage: Stage, context: DockerfileContext) -> Iterator[Diagnostic]:
        yield self.report(context.path, stage.from_instruction.span, f"before {stage.index}")
        if stage.index == 1:
            raise ValueError("boom")


class CountsFiles(_Meta, DockerfileRule):
    code = "DF994"
    name = "counts-files"

    def check(self, context: DockerfileContext) -> Iterator[Diagnostic]:
        yield self.report(context.path, context.dockerfile.stages[0].span, "file")


def test_stage_rule_gets_every_stage_in_order() -> None:
    found = check_rule(SeenStages(), _context())
    assert [d.message for d in found] == ["stage 0", "stage 1", "stage 2"]


def test_instruction_rule_gets_only_its_keywords_and_onbuild_triggers() -> None:
    found = check_rule(SeenRuns(), _context())
    assert [(d.span.start.line, d.message) for d in found] == [
        (6, "apt-get upda"),
        (12, "pip install "),
        (14, "make -C /src"),  # the RUN inside ONBUILD, after the ONBUILD
        (19, "echo ready"),
    ]


def test_run_command_rule_gets_each_simple_command_with_its_instruction() -> None:
    found = check_rule(SeenCommands(), _context())
    assert [d.message for d in found] == [
        "apt-get in RUN line 6",
        "apt-get in RUN line 6",
        "rm in RUN line 6",
        "pip in RUN line 12",
        "tee in RUN line 12",
        "make in RUN line 14",
        "echo in RUN line 19",
    ]


def test_crash_stops_only_that_rule_and_keeps_what_it_found() -> None:
    rules = DockerfileRules([CountsFiles(), CrashesOnSecondStage(), SeenStages()])
    found, dead = rules.run(_context())
    assert [d.message for d in found if d.code == "DF993"] == ["before 0", "before 1"]
    assert [d.message for d in found if d.code == "DF990"] == ["stage 0", "stage 1", "stage 2"]
    assert [d.code for d in found if d.code == "DF994"] == ["DF994"]
    assert list(dead) == [next(r for r in rules.rules if r.code == "DF993")]
    assert str(dead[rules.rules[1]]) == "boom"
    with pytest.raises(ValueError, match="boom"):
        check_rule(CrashesOnSecondStage(), _context())


def test_engine_reports_a_crash_once_per_rule_with_the_usual_message() -> None:
    registry = load_registry(extra_plugins=[("crashing", _Plugin())])
    settings = Settings(select=("DF993", "DF990"))
    result = lint_source(DOCKERFILE, "Dockerfile", settings, registry=registry)
    internal = [d for d in result.diagnostics if d.code == "DF000"]
    assert len(internal) == 1
    assert internal[0].message.startswith(
        "rule DF993 (crashes-on-second-stage) crashed on this file: ValueError: boom at "
        "test_targets.py:"
    )
    assert internal[0].message.endswith("; please report it")
    assert result.internal_error
    assert [d.message for d in result.diagnostics if d.code == "DF990"] == [
        "stage 0",
        "stage 1",
        "stage 2",
    ]


class _Plugin:
    from linter.hooks import hookimpl

    @hookimpl
    def shiplint_rules(self) -> list[Rule]:
        return [SeenStages(), CrashesOnSecondStage()]


def test_shell_for_follows_the_stage_chain() -> None:
    context = _context()
    bash = ("/bin/bash", "-o", "pipefail", "-c")
    assert context.shell_for(_instruction(context, 3)) is None  # FROM: nothing set yet
    assert context.shell_for(_instruction(context, 4)) is None  # the SHELL itself: before it
    assert context.shell_for(_instruction(context, 6)) == bash
    assert context.shell_for(_instruction(context, 12)) == bash  # FROM base inherits it
    onbuild = _instruction(context, 14)
    assert onbuild.onbuild is not None and context.shell_for(onbuild.onbuild) == bash
    assert context.shell_for(_instruction(context, 19)) is None  # FROM debian: default
    assert context.shell_for(_instruction(context, 2)) is None  # ARG before FROM


def test_shell_view_is_parsed_with_the_shell_in_force() -> None:
    text = 'FROM mcr.microsoft.com/windows/servercore\nSHELL ["powershell", "-Command"]\n'
    text += "RUN Write-Host hi\n"
    context = _context(text)
    assert context.shell(_instruction(context, 3)) == []
    posix = _context("FROM alpine:3.20\nRUN echo hi && ls\n")
    scripts = posix.shell(_instruction(posix, 2))
    assert [c.name for c in scripts[0].commands] == ["echo", "ls"]
    assert posix.shell(_instruction(posix, 2)) is scripts  # parsed once


def test_user_at_follows_the_stage_chain() -> None:
    context = _context()
    assert context.user_at(_instruction(context, 6)) is None
    app = _instruction(context, 8)
    assert context.user_at(_instruction(context, 9)) is app
    assert context.user_at(_instruction(context, 12)) is app  # inherited through FROM base
    root = _instruction(context, 13)
    assert context.user_at(_instruction(context, 15)) is root
    assert context.user_at(_instruction(context, 19)) is None
    stages = context.dockerfile.stages
    assert context.final_user(stages[0]) is app
    assert context.final_user(stages[1]) is root
    assert context.final_user(stages[2]) is None


def test_workdir_at_joins_relative_paths_and_follows_the_stage_chain() -> None:
    context = _context()
    assert context.workdir_at(_instruction(context, 5)) == "/"
    assert context.workdir_at(_instruction(context, 6)) == "/srv"
    assert context.workdir_at(_instruction(context, 12)) == "/srv/app"  # quotes removed
    assert context.workdir_at(_instruction(context, 19)) == "/"
    last = context.dockerfile.stages[1].instructions[-1]
    assert context.workdir_at(last) == "/srv/app"  # the WORKDIR ../lib itself: before it


def test_stage_of_instructions_triggers_and_commands() -> None:
    context = _context()
    stages = context.dockerfile.stages
    assert context.stage_of(_instruction(context, 2)) is None
    assert context.stage_of(_instruction(context, 3)) is stages[0]
    assert context.stage_of(_instruction(context, 11)) is stages[1]
    onbuild = _instruction(context, 14)
    assert onbuild.onbuild is not None and context.stage_of(onbuild.onbuild) is stages[1]
    command = context.commands()[-1]
    assert command.name == "echo" and context.stage_of(command) is stages[2]


def test_outer_of_gives_the_onbuild_of_a_trigger() -> None:
    context = _context()
    onbuild = _instruction(context, 14)
    assert onbuild.onbuild is not None
    assert context.outer_of(onbuild.onbuild) is onbuild
    assert context.outer_of(onbuild) is onbuild
    assert context.outer_of(_instruction(context, 12)) is _instruction(context, 12)


def test_cache_computes_once_per_file() -> None:
    context = _context()
    calls: list[int] = []

    def factory() -> int:
        calls.append(1)
        return 42

    assert context.cache("test.answer", factory) == 42
    assert context.cache("test.answer", factory) == 42
    assert calls == [1]
    assert _context().cache("test.answer", lambda: 7) == 7  # another file, another cache


COMPOSE = """\
services:
  web:
    build: ./web
    ports: ["8080:80"]
  worker:
    image: example/worker:1.4
  api:
    build:
      context: ./api
      dockerfile: Dockerfile.prod
"""


class SeenServices(_Meta, ServiceRule):
    code = "DC990"
    name = "seen-services"

    def check(self, service: Service, context: ComposeContext) -> Iterator[Diagnostic]:
        yield self.report(service.path, service.key.span, service.name)


class SeenLinks(_Meta, BuildLinkRule):
    code = "DC991"
    name = "seen-links"

    def check(self, link: BuildLink, context: ComposeContext) -> Iterator[Diagnostic]:
        message = f"{link.service.name} -> {link.dockerfile_path.name}"
        if link.dockerfile is not None:
            message += f" ({len(link.dockerfile.stages)} stages)"
        yield self.report(link.service.path, link.service.key.span, message)


def test_service_and_build_link_rules(tmp_path: Path) -> None:
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "Dockerfile").write_text("FROM nginx:1.27\n")
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "Dockerfile.prod").write_text("FROM python:3.12 AS a\nFROM a\n")
    compose = tmp_path / "compose.yaml"
    compose.write_text(COMPOSE)
    project = load_compose(compose, compose.as_posix(), None)
    context = ComposeContext(project=project, builds=tuple(build_links(project, {})))
    assert [d.message for d in check_rule(SeenServices(), context)] == ["web", "worker", "api"]
    assert [d.message for d in check_rule(SeenLinks(), context)] == [
        "web -> Dockerfile (1 stages)",
        "api -> Dockerfile.prod (2 stages)",
    ]
    found, dead = ComposeRules([SeenServices(), SeenLinks()]).run(context)
    assert len(found) == 5 and not dead
    api = context.build_for("api")
    assert api is not None and api.dockerfile_path.name == "Dockerfile.prod"
    assert context.build_for("worker") is None


def test_targets_belong_to_a_kind_and_are_validated() -> None:
    assert {t.kind for t in Target} == {"dockerfile", "compose"}
    assert Target.SERVICE.kind == "compose" and Target.RUN_COMMAND.kind == "dockerfile"
    assert metadata_problems(SeenRuns()) == []
    assert metadata_problems(SeenServices()) == []

    class Misplaced(SeenStages):
        code = "DC992"
        name = "misplaced"

    assert metadata_problems(Misplaced()) == ["target stage does not check the files of DC992"]

    class LowerKeywords(SeenRuns):
        keywords = frozenset({"run"})

    assert metadata_problems(LowerKeywords()) == ["keywords are not upper case"]
