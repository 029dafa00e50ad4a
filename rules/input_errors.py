"""Findings about the input itself: files that cannot be read or parsed, engine failures,
and suppression comments that suppress nothing.

DF000/DC000 and DF099/DC099 are produced by the engine (a crashed rule, an unused pragma);
their classes exist so that they have metadata, docs and SARIF entries like every rule. The
engine knows these codes by their role, from ``linter.builtin_codes``, as these classes do.
"""

from __future__ import annotations

from collections.abc import Iterator

from linter import ComposeContext, Diagnostic, DockerfileContext, Rule, Severity, Target
from linter.builtin_codes import (
    COMPOSE_INTERNAL_ERROR,
    COMPOSE_UNREADABLE,
    COMPOSE_UNUSED_SUPPRESSION,
    DOCKERFILE_INTERNAL_ERROR,
    DOCKERFILE_UNREADABLE,
    DOCKERFILE_UNUSED_SUPPRESSION,
)
from linter.diagnostics import Span


class DockerfileInternalError(Rule):
    code = DOCKERFILE_INTERNAL_ERROR
    name = "dockerfile-internal-error"
    tags = ("syntax",)
    severity = Severity.ERROR
    summary = "A rule crashed while checking this Dockerfile"
    description = (
        "shiplint reports a rule that raised an exception instead of stopping the run: the "
        "other rules and files are still checked, and the exit code is 2 so CI notices. "
        "Please report it with the file that triggers it."
    )
    bad = "FROM alpine:3.20\n"
    good = "FROM alpine:3.20\n"
    target = Target.DOCKERFILE

    def check(self, context: DockerfileContext) -> Iterator[Diagnostic]:
        return iter(())


class UnparseableDockerfile(Rule):
    code = DOCKERFILE_UNREADABLE
    name = "unparseable-dockerfile"
    tags = ("syntax",)
    severity = Severity.ERROR
    summary = "The file cannot be read as a Dockerfile"
    description = (
        "The file is binary, not valid UTF-8 (or UTF-16 with a byte-order mark), too large, "
        "unreadable, or has no instructions at all. Docker refuses to build it, so no other "
        "rule can say anything useful about it."
    )
    bad = "# just a comment, no instructions\n"
    good = 'FROM alpine:3.20\nCMD ["sh"]\n'
    target = Target.DOCKERFILE

    def check(self, context: DockerfileContext) -> Iterator[Diagnostic]:
        dockerfile = context.dockerfile
        for error in dockerfile.errors:
            if error.kind == "unreadable":
                yield self.report(
                    context.path, error.span, f"cannot read the file: {error.message}"
                )
                return
            if error.kind == "wrong-kind":  # named explicitly, but not a Dockerfile
                yield self.report(context.path, error.span, error.message)
                return
        if not dockerfile.instructions:
            what = "is empty" if not dockerfile.source.strip() else "has only comments"
            yield self.report(
                context.path,
                Span.of(1, 1, 1, 1),
                f"the Dockerfile {what}: Docker needs at least a FROM instruction",
            )


class ComposeInternalError(Rule):
    code = COMPOSE_INTERNAL_ERROR
    name = "compose-internal-error"
    tags = ("syntax",)
    severity = Severity.ERROR
    summary = "A rule crashed while checking this compose project"
    description = DockerfileInternalError.description
    bad = "services:\n  web:\n    image: nginx:1.27\n"
    good = "services:\n  web:\n    image: nginx:1.27\n"
    target = Target.COMPOSE

    def check(self, context: ComposeContext) -> Iterator[Diagnostic]:
        return iter(())


class UnparseableComposeFile(Rule):
    code = COMPOSE_UNREADABLE
    name = "unparseable-compose-file"
    tags = ("syntax",)
    severity = Severity.ERROR
    summary = "The file cannot be read as a compose file"
    description = (
        "The file is binary, badly encoded, too large, not valid YAML, or its top level is "
        "not a mapping. `docker compose` refuses it, so the position of the first syntax "
        "error is reported and no other rule runs on it."
    )
    bad = "services:\n  web:\n    image: [nginx\n"
    good = "services:\n  web:\n    image: nginx:1.27\n"
    target = Target.COMPOSE

    def check(self, context: ComposeContext) -> Iterator[Diagnostic]:
        for problem in context.project.problems:
            if problem.kind in ("unreadable", "syntax", "wrong-kind"):
                prefix = "cannot read the file: " if problem.kind == "unreadable" else ""
                yield self.report(problem.path, problem.span, prefix + problem.message)


_UNUSED_DESCRIPTION = (
    "A suppression comment (`# shiplint: ignore[...]`, `# hadolint ignore=...`, "
    "`# dclint disable-line ...`) that silences nothing is noise, and it hides the next real "
    "finding on that line. Off by default; enable it to keep suppressions honest. The engine "
    "produces these findings after every other rule has run."
)


class UnusedDockerfileSuppression(Rule):
    code = DOCKERFILE_UNUSED_SUPPRESSION
    name = "unused-dockerfile-suppression"
    tags = ("style",)
    severity = Severity.INFO
    summary = "A suppression comment in a Dockerfile suppresses nothing"
    description = _UNUSED_DESCRIPTION
    bad = 'FROM alpine:3.20\n# hadolint ignore=DL3088\nCMD ["sh"]\n'
    good = 'FROM alpine:3.20\nCMD ["sh"]\n'
    target = Target.DOCKERFILE
    enabled_by_default = False

    def check(self, context: DockerfileContext) -> Iterator[Diagnostic]:
        return iter(())


class UnusedComposeSuppression(Rule):
    code = COMPOSE_UNUSED_SUPPRESSION
    name = "unused-compose-suppression"
    tags = ("style",)
    severity = Severity.INFO
    summary = "A suppression comment in a compose file suppresses nothing"
    description = _UNUSED_DESCRIPTION
    bad = "services:\n  web:\n    # shiplint: ignore[DC991]\n    image: nginx:1.27\n"
    good = "services:\n  web:\n    image: nginx:1.27\n"
    target = Target.COMPOSE
    enabled_by_default = False

    def check(self, context: ComposeContext) -> Iterator[Diagnostic]:
        return iter(())


RULES = (
    DockerfileInternalError,
    UnparseableDockerfile,
    ComposeInternalError,
    UnparseableComposeFile,
    UnusedDockerfileSuppression,
    UnusedComposeSuppression,
)
