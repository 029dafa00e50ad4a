"""The base class of each target: what the engine hands a rule's ``check``.

The engine walks each file once and hands every node to the rules of its target, so a rule
holds only its decision:

- :class:`DockerfileRule` / :class:`ComposeRule`: ``check(context)``, once per file (rules
  that need the whole file: order of stages, references between services, ...);
- :class:`StageRule`: ``check(stage, context)`` for every stage of a Dockerfile;
- :class:`InstructionRule`: ``check(instruction, context)`` for every instruction whose
  keyword is in ``keywords`` (every instruction when empty), ONBUILD triggers too with
  ``onbuild = True``;
- :class:`RunCommandRule`: ``check(command, context)`` for every simple command of every
  RUN's shell view (``context.instruction_of(command)``, ``context.stage_of(command)``);
- :class:`ServiceRule`: ``check(service, context)`` for every compose service;
- :class:`BuildLinkRule`: ``check(link, context)`` for every service with ``build:``.

The context answers what a node's surroundings are (``shell_for``, ``user_at``,
``workdir_at``, ``stage_of``), once per file: see :mod:`linter.context`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

from linter.rule import Rule, Target

if TYPE_CHECKING:  # annotations only: a Dockerfile run never imports the compose model
    from linter.compose.model import Service
    from linter.context import BuildLink, ComposeContext, DockerfileContext
    from linter.diagnostics import Diagnostic
    from linter.dockerfile.ast import Instruction, Stage
    from linter.dockerfile.shell import Command


class DockerfileRule(Rule):
    """A rule that needs a whole Dockerfile at once (stage order, references between stages)."""

    target = Target.DOCKERFILE

    def check(self, context: DockerfileContext) -> Iterator[Diagnostic]:
        raise NotImplementedError


class StageRule(Rule):
    """A rule that looks at one stage at a time (every stage, in file order)."""

    target = Target.STAGE

    def check(self, stage: Stage, context: DockerfileContext) -> Iterator[Diagnostic]:
        raise NotImplementedError


class InstructionRule(Rule):
    """A rule that looks at one instruction at a time, in file order.

    ``keywords`` names the instructions it wants (upper case; empty: every one), so the
    engine calls it only for those. With ``onbuild`` it also gets the instruction an
    ``ONBUILD`` wraps, right after the ONBUILD itself, when the wrapped keyword matches.
    """

    target = Target.INSTRUCTION
    keywords: ClassVar[frozenset[str]] = frozenset()
    onbuild: ClassVar[bool] = False

    def check(self, instruction: Instruction, context: DockerfileContext) -> Iterator[Diagnostic]:
        raise NotImplementedError


class RunCommandRule(Rule):
    """A rule that looks at one simple command of a RUN's shell view at a time.

    Every command with words, of every RUN (ONBUILD RUN included), stage by stage in file
    order. ``context.instruction_of(command)``, ``context.stage_of(command)`` and the
    instruction's ``user_at`` / ``workdir_at`` / ``shell_for`` give its surroundings.
    """

    target = Target.RUN_COMMAND

    def check(self, command: Command, context: DockerfileContext) -> Iterator[Diagnostic]:
        raise NotImplementedError


class ComposeRule(Rule):
    """A rule that needs a whole compose project at once (references between services)."""

    target = Target.COMPOSE

    def check(self, context: ComposeContext) -> Iterator[Diagnostic]:
        raise NotImplementedError


class ServiceRule(Rule):
    """A rule that looks at one compose service at a time (merged, in project order)."""

    target = Target.SERVICE

    def check(self, service: Service, context: ComposeContext) -> Iterator[Diagnostic]:
        raise NotImplementedError


class BuildLinkRule(Rule):
    """A rule that looks at one service with ``build:`` and the Dockerfile it builds.

    Its category is ``cross-file`` unless its ``tags`` say otherwise: what it checks spans
    the compose file and the Dockerfile (DESIGN's DC6xx range).
    """

    target = Target.BUILD_LINK
    tags: ClassVar[tuple[str, ...]] = ("cross-file",)

    def check(self, link: BuildLink, context: ComposeContext) -> Iterator[Diagnostic]:
        raise NotImplementedError
