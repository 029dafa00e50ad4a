"""pluggy markers and hook specifications of the ``shiplint`` plugin project."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

import pluggy

PROJECT = "shiplint"
ENTRY_POINT_GROUP = "shiplint"

F = TypeVar("F", bound=Callable[..., Any])
hookspec = cast(Callable[[F], F], pluggy.HookspecMarker(PROJECT))
hookimpl = cast(Callable[[F], F], pluggy.HookimplMarker(PROJECT))


class ShiplintSpec:
    """The hooks a plugin may implement."""

    @hookspec
    def shiplint_rules(self, kinds: frozenset[str]) -> Sequence[Any]:  # type: ignore[empty-body]
        """Return the plugin's rule objects (instances of :class:`linter.Rule`).

        ``kinds`` names the kinds of file the run needs rules for ("dockerfile", "compose"):
        a plugin may return only those (to import less), or all of its rules. An
        implementation may leave the argument out, as pluggy allows.
        """

    @hookspec
    def shiplint_reporters(self) -> dict[str, Any]:  # type: ignore[empty-body]
        """Return extra output formats: ``{name: render(diagnostics, context) -> str}``."""
