"""shiplint: a linter for Dockerfiles and Docker Compose files.

Plugin authors need only what this module exports.
"""

from linter.context import BuildLink, ComposeContext, DockerfileContext
from linter.diagnostics import (
    Applicability,
    Diagnostic,
    Edit,
    Fix,
    Position,
    Severity,
    Span,
)
from linter.hooks import hookimpl
from linter.rule import Fixable, Rule, Target

__version__ = "0.1.0"

__all__ = [
    "Applicability",
    "BuildLink",
    "ComposeContext",
    "Diagnostic",
    "DockerfileContext",
    "Edit",
    "Fix",
    "Fixable",
    "Position",
    "Rule",
    "Severity",
    "Span",
    "Target",
    "__version__",
    "hookimpl",
]
