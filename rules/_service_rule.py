"""The base of compose rules that look at one service at a time."""

from __future__ import annotations

from collections.abc import Iterator

from linter import ComposeContext, Diagnostic, Rule, Target
from linter.compose.model import Service


class ServiceRule(Rule):
    """A compose rule that looks at one service at a time."""

    target = Target.COMPOSE

    def check(self, context: ComposeContext) -> Iterator[Diagnostic]:
        for service in context.project.services.values():
            yield from self.check_service(service)

    def check_service(self, service: Service) -> Iterator[Diagnostic]:
        raise NotImplementedError
