"""An example rule pack: what a third-party plugin for shiplint looks like."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from linter import Diagnostic, DockerfileContext, Rule, Severity, Target, hookimpl


class RequireTeamLabel(Rule):
    code = "DF990"
    name = "require-team-label"
    tags = ("best-practice",)
    severity = Severity.WARNING
    summary = "The final stage has no `team` LABEL"
    description = (
        "An example of a house rule: every image must say which team owns it, so that "
        "alerts about a running container reach someone."
    )
    bad = "FROM alpine:3.20\n"
    good = 'FROM alpine:3.20\nLABEL team="payments"\n'
    target = Target.DOCKERFILE

    def check(self, context: DockerfileContext) -> Iterator[Diagnostic]:
        stages = context.dockerfile.stages
        if not stages:
            return
        final = stages[-1]
        for instruction in final.instructions:
            if instruction.keyword == "LABEL" and "team=" in instruction.arguments:
                return
        yield self.report(
            context.path, final.from_instruction.span, "the final stage has no `team` label"
        )


@hookimpl
def shiplint_rules() -> Sequence[Rule]:
    return [RequireTeamLabel()]
