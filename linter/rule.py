"""What a rule is: metadata plus one ``check`` generator, and the target it checks.

Plugin authors subclass the base class of their rule's target (``linter.targets``:
``StageRule``, ``InstructionRule``, ``ServiceRule``, ...; all exported from ``linter``), fill in
the class attributes and write ``check``. This module holds only the metadata contract, which
reporters read too, so it imports no front end. The engine never instantiates anything by
name: rules come from the ``shiplint_rules`` hook.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from linter.diagnostics import Diagnostic, Fix, Severity, Span

CATEGORIES = (
    "syntax",
    "schema",
    "reference",
    "from-placement",
    "multi-stage",
    "layer-bloat",
    "build-cache",
    "dockerignore",
    "pinning",
    "security",
    "network-isolation",
    "reliability",
    "best-practice",
    "style",
    "shell",
    "cross-file",
)

CODE_PATTERN = re.compile(r"^(DF|DC)\d{3}$")
NAME_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class Fixable(enum.Enum):
    NEVER = "never"
    SOMETIMES = "sometimes"
    ALWAYS = "always"


class Target(enum.Enum):
    """What a rule's ``check`` receives: the node the engine dispatches, then the context."""

    DOCKERFILE = "dockerfile"  # check(context): a DockerfileContext, once per file
    STAGE = "stage"  # check(stage, context) for each Stage
    INSTRUCTION = "instruction"  # check(instruction, context) for each Instruction
    RUN_COMMAND = "run-command"  # check(command, context) for each shell Command of a RUN
    COMPOSE = "compose"  # check(context): a ComposeContext, once per project
    SERVICE = "service"  # check(service, context) for each compose Service
    BUILD_LINK = "build-link"  # check(link, context) for each BuildLink (service -> Dockerfile)

    @property
    def kind(self) -> str:
        """The kind of file the target belongs to: "dockerfile" or "compose"."""
        return "compose" if self in _COMPOSE_TARGETS else "dockerfile"


_COMPOSE_TARGETS = frozenset({Target.COMPOSE, Target.SERVICE, Target.BUILD_LINK})


# An example is the text of one file of the rule's target kind, or, for checks across
# files, a mapping of relative file names to their contents.
Example = str | Mapping[str, str]


class Rule:
    """Base class of every rule. Subclasses set the metadata and implement ``check``."""

    code: ClassVar[str]
    name: ClassVar[str]
    tags: ClassVar[tuple[str, ...]]
    severity: ClassVar[Severity]
    summary: ClassVar[str]
    description: ClassVar[str]  # what it checks and why, a paragraph or two of Markdown
    bad: ClassVar[Example]  # must make the rule fire
    good: ClassVar[Example]  # must keep the rule silent
    target: ClassVar[Target]
    fixable: ClassVar[Fixable] = Fixable.NEVER
    aliases: ClassVar[tuple[str, ...]] = ()
    enabled_by_default: ClassVar[bool] = True

    def check(self, *args: Any) -> Iterator[Diagnostic]:
        """The findings on one node: ``check(context)`` for the whole-file targets,
        ``check(node, context)`` for the others (see the target base classes below)."""
        raise NotImplementedError

    def report(
        self,
        path: str,
        span: Span,
        message: str,
        fix: Fix | None = None,
        *,
        severity: Severity | None = None,
        subcode: str | None = None,
    ) -> Diagnostic:
        """Build a finding of this rule (``severity`` overrides the default for this one)."""
        return Diagnostic(
            path=path,
            code=self.code,
            name=self.name,
            message=message,
            severity=severity or self.severity,
            span=span,
            fix=fix,
            subcode=subcode,
        )

    @property
    def category(self) -> str:
        return self.tags[0]

    @property
    def docs(self) -> str:
        """The rule's documentation as Markdown, generated from its metadata."""
        return render_docs(self)

    def metadata(self) -> dict[str, object]:
        """The fields ``shiplint rules --format json`` prints."""
        return {
            "code": self.code,
            "name": self.name,
            "tags": list(self.tags),
            "severity": self.severity.value,
            "summary": self.summary,
            "docs": self.docs,
            "fixable": self.fixable.value,
            "aliases": list(self.aliases),
            "target": self.target.value,
            "kind": self.target.kind,  # the kind of file: dockerfile or compose
            "enabled_by_default": self.enabled_by_default,
        }


def _example_markdown(example: Example, language: str) -> str:
    if isinstance(example, str):
        return f"```{language}\n{example.rstrip()}\n```"
    parts = []
    for filename, text in example.items():
        lang = "yaml" if filename.endswith((".yml", ".yaml")) else "dockerfile"
        if filename.endswith(".dockerignore") or filename == ".env":
            lang = "text"
        parts.append(f"`{filename}`\n\n```{lang}\n{text.rstrip()}\n```")
    return "\n\n".join(parts)


def render_docs(rule: Rule) -> str:
    language = "dockerfile" if rule.target.kind == "dockerfile" else "yaml"
    lines = [
        f"## {rule.code} {rule.name}",
        "",
        rule.summary,
        "",
        rule.description.strip(),
        "",
        "Bad:",
        "",
        _example_markdown(rule.bad, language),
        "",
        "Good:",
        "",
        _example_markdown(rule.good, language),
        "",
        f"Severity: {rule.severity.value}. Category: {rule.tags[0]}. "
        f"Fixable: {rule.fixable.value}.",
    ]
    if rule.aliases:
        lines.append(f"Aliases: {', '.join(rule.aliases)}.")
    if not rule.enabled_by_default:
        lines.append("Off by default: enable it with `--extend-select`.")
    return "\n".join(lines) + "\n"


def metadata_problems(rule: Rule) -> list[str]:
    """Everything wrong with a rule's metadata (empty when it is valid)."""
    problems = []
    for attribute in (
        "code",
        "name",
        "tags",
        "severity",
        "summary",
        "description",
        "bad",
        "good",
        "target",
    ):
        if not hasattr(rule, attribute):
            problems.append(f"missing {attribute}")
    if problems:
        return problems
    if not CODE_PATTERN.match(rule.code):
        problems.append(f"code {rule.code!r} is not two letters and three digits")
    if not NAME_PATTERN.match(rule.name):
        problems.append(f"name {rule.name!r} is not kebab-case")
    if not rule.tags or rule.tags[0] not in CATEGORIES:
        problems.append(f"first tag {rule.tags[:1]!r} is not a category")
    problems.extend(f"unknown tag {tag!r}" for tag in rule.tags if tag not in CATEGORIES)
    if not isinstance(rule.severity, Severity):
        problems.append("severity is not a Severity")
    if not isinstance(rule.target, Target):
        problems.append("target is not a Target")
    elif rule.target.kind != ("compose" if rule.code.startswith("DC") else "dockerfile"):
        problems.append(f"target {rule.target.value} does not check the files of {rule.code}")
    keywords: frozenset[str] = getattr(rule, "keywords", frozenset())
    if any(keyword != keyword.upper() for keyword in keywords):
        problems.append("keywords are not upper case")
    return problems
