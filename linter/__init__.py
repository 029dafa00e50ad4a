"""shiplint: a linter for Dockerfiles and Docker Compose files.

Plugin authors need only what this module exports. The names are imported on first use
(PEP 562), so that ``shiplint`` can start without loading what a run does not need.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what type checkers see; at run time __getattr__ imports on first use
    from linter.context import BuildLink as BuildLink
    from linter.context import ComposeContext as ComposeContext
    from linter.context import DockerfileContext as DockerfileContext
    from linter.diagnostics import Applicability as Applicability
    from linter.diagnostics import Diagnostic as Diagnostic
    from linter.diagnostics import Edit as Edit
    from linter.diagnostics import Fix as Fix
    from linter.diagnostics import Position as Position
    from linter.diagnostics import Severity as Severity
    from linter.diagnostics import Span as Span
    from linter.hooks import hookimpl as hookimpl
    from linter.rule import Fixable as Fixable
    from linter.rule import Rule as Rule
    from linter.rule import Target as Target
    from linter.targets import BuildLinkRule as BuildLinkRule
    from linter.targets import ComposeRule as ComposeRule
    from linter.targets import DockerfileRule as DockerfileRule
    from linter.targets import InstructionRule as InstructionRule
    from linter.targets import RunCommandRule as RunCommandRule
    from linter.targets import ServiceRule as ServiceRule
    from linter.targets import StageRule as StageRule

__version__ = "0.1.0"

_EXPORTS = {
    "BuildLink": "linter.context",
    "ComposeContext": "linter.context",
    "DockerfileContext": "linter.context",
    "Applicability": "linter.diagnostics",
    "Diagnostic": "linter.diagnostics",
    "Edit": "linter.diagnostics",
    "Fix": "linter.diagnostics",
    "Position": "linter.diagnostics",
    "Severity": "linter.diagnostics",
    "Span": "linter.diagnostics",
    "hookimpl": "linter.hooks",
    "BuildLinkRule": "linter.targets",
    "ComposeRule": "linter.targets",
    "DockerfileRule": "linter.targets",
    "Fixable": "linter.rule",
    "InstructionRule": "linter.targets",
    "RunCommandRule": "linter.targets",
    "ServiceRule": "linter.targets",
    "StageRule": "linter.targets",
    "Rule": "linter.rule",
    "Target": "linter.rule",
}

__all__ = [
    "Applicability",
    "BuildLink",
    "BuildLinkRule",
    "ComposeContext",
    "ComposeRule",
    "Diagnostic",
    "DockerfileContext",
    "DockerfileRule",
    "Edit",
    "Fix",
    "Fixable",
    "InstructionRule",
    "Position",
    "Rule",
    "RunCommandRule",
    "ServiceRule",
    "Severity",
    "Span",
    "StageRule",
    "Target",
    "__version__",
    "hookimpl",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'linter' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
