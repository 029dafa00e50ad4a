"""Walk a file once and hand each node to the rules of its target.

A Dockerfile is walked stage by stage, instruction by instruction (a rule asks only for the
keywords it reads), then RUN command by RUN command; a compose project service by service,
then build link by build link. A rule that raises is stopped for the rest of the file and
reported once (the engine turns it into an internal-error finding); the findings it yielded
before stay, and the other rules go on.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from linter.rule import Rule, Target

if TYPE_CHECKING:
    from linter.context import ComposeContext, DockerfileContext
    from linter.diagnostics import Diagnostic

Crashes = dict[Rule, Exception]


class DockerfileRules:
    """Dockerfile rules grouped by target, built once per process."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules = list(rules)
        by_target: dict[Target, list[Rule]] = {target: [] for target in Target}
        for rule in self.rules:
            by_target[rule.target].append(rule)
        self.files = by_target[Target.DOCKERFILE]
        self.stages = by_target[Target.STAGE]
        self.instructions = by_target[Target.INSTRUCTION]
        self.triggers = [rule for rule in self.instructions if getattr(rule, "onbuild", False)]
        self.commands = by_target[Target.RUN_COMMAND]
        self._by_keyword: dict[str, list[Rule]] = {}

    def subset(self, keep: Iterable[Rule]) -> DockerfileRules:
        wanted = set(keep)
        return DockerfileRules(rule for rule in self.rules if rule in wanted)

    def for_keyword(self, keyword: str) -> list[Rule]:
        """The instruction rules that read ``keyword``, in code order."""
        found = self._by_keyword.get(keyword)
        if found is None:
            found = self._by_keyword[keyword] = [
                rule for rule in self.instructions if _reads(rule, keyword)
            ]
        return found

    def run(self, context: DockerfileContext) -> tuple[list[Diagnostic], Crashes]:
        found, dead = _whole(self.files, context)
        dockerfile = context.dockerfile
        if self.stages:
            _each(self.stages, dockerfile.stages, context, found, dead)
        if self.instructions:
            triggers = self.triggers
            by_keyword = self._by_keyword
            for instruction in dockerfile.instructions:
                rules = by_keyword.get(instruction.keyword)
                if rules is None:
                    rules = self.for_keyword(instruction.keyword)
                _each(rules, (instruction,), context, found, dead)
                inner = instruction.onbuild
                if inner is not None and triggers:
                    wanted = self.for_keyword(inner.keyword)
                    chosen = [rule for rule in triggers if rule in wanted]
                    _each(chosen, (inner,), context, found, dead)
        if self.commands:
            _each(self.commands, context.commands(), context, found, dead)
        return found, dead


class ComposeRules:
    """Compose rules grouped by target, built once per process."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules = list(rules)
        self.files = [rule for rule in self.rules if rule.target is Target.COMPOSE]
        self.services = [rule for rule in self.rules if rule.target is Target.SERVICE]
        self.links = [rule for rule in self.rules if rule.target is Target.BUILD_LINK]

    def subset(self, keep: Iterable[Rule]) -> ComposeRules:
        wanted = set(keep)
        return ComposeRules(rule for rule in self.rules if rule in wanted)

    def run(self, context: ComposeContext) -> tuple[list[Diagnostic], Crashes]:
        found, dead = _whole(self.files, context)
        if self.services:
            _each(self.services, context.project.services.values(), context, found, dead)
        if self.links:
            _each(self.links, context.builds, context, found, dead)
        return found, dead


def _whole(rules: list[Rule], context: Any) -> tuple[list[Diagnostic], Crashes]:
    """Run the whole-file rules; the findings and the rules that crashed start the run."""
    found: list[Diagnostic] = []
    dead: Crashes = {}
    for rule in rules:
        try:
            found.extend(rule.check(context))
        except Exception as error:  # one broken rule must not stop the run
            dead[rule] = error
    return found, dead


def _each(
    rules: list[Rule],
    nodes: Iterable[Any],
    context: Any,
    found: list[Diagnostic],
    dead: Crashes,
) -> None:
    """Every node to every rule (node by node), skipping the rules that crashed."""
    for node in nodes:
        for rule in rules:
            if dead and rule in dead:
                continue
            try:
                found.extend(rule.check(node, context))
            except Exception as error:  # one broken rule must not stop the run
                dead[rule] = error


def _reads(rule: Rule, keyword: str) -> bool:
    keywords: frozenset[str] = getattr(rule, "keywords", frozenset())
    return not keywords or keyword in keywords


def check_rule(rule: Rule, context: DockerfileContext | ComposeContext) -> list[Diagnostic]:
    """One rule's findings on a file, dispatched as the engine does (for tests and tools);
    a crash is raised, not turned into a finding."""
    from linter.context import ComposeContext

    if isinstance(context, ComposeContext):
        found, dead = ComposeRules([rule]).run(context)
    else:
        found, dead = DockerfileRules([rule]).run(context)
    if dead:
        raise dead[rule]
    return found
