"""Syntax and schema findings: the compose front end's problems, one rule per kind.

The loader records every problem it meets while reading (``ComposeProblem``); these rules
only give each kind a code, a name and docs, so that users can select, ignore and suppress
them like any other finding. Unparseable files are the engine's DC001.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from linter import ComposeContext, Diagnostic, Rule, Severity, Target


class _ProblemRule(Rule):
    """Reports the project's problems of one kind, at the place the loader found them."""

    kind: ClassVar[str]
    target = Target.COMPOSE

    def check(self, context: ComposeContext) -> Iterator[Diagnostic]:
        seen: set[tuple[str, int, int, str]] = set()
        for problem in context.project.problems:
            if problem.kind != self.kind:
                continue
            key = (problem.path, problem.span.start.line, problem.span.start.column,
                   problem.message)
            if key in seen:  # a file's problem may be repeated in the project's list
                continue
            seen.add(key)
            yield self.report(problem.path, problem.span, problem.message)


class DuplicateKey(_ProblemRule):
    code = "DC002"
    name = "duplicate-key"
    kind = "duplicate-key"
    tags = ("syntax",)
    severity = Severity.ERROR
    summary = "A mapping has the same key twice"
    description = (
        "YAML forbids duplicate keys, but many parsers silently keep the last one, so half of "
        "a service definition can vanish without a word. `docker compose` rejects the file. "
        "Every repetition is reported at its own position; merge the two definitions."
    )
    bad = "services:\n  web:\n    image: nginx:1.27\n    image: nginx:1.26\n"
    good = "services:\n  web:\n    image: nginx:1.27\n"


class AliasLimit(_ProblemRule):
    code = "DC003"
    name = "yaml-alias-limit"
    kind = "alias-limit"
    tags = ("syntax",)
    severity = Severity.ERROR
    summary = "YAML anchors and aliases expand beyond the safety limits"
    description = (
        "Aliases that refer to aliases can expand a small file into billions of nodes (the "
        "\"billion laughs\" attack), and recursive anchors never end. shiplint stops expanding "
        "at fixed limits of size and depth and reports where; `docker compose` would hang or "
        "run out of memory on the same file."
    )
    bad = (
        "x-a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        "x-b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "x-c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
        "x-d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        "x-e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
        "x-f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
        "x-g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
        "services:\n  web:\n    image: nginx:1.27\n    labels: *g\n"
    )
    good = (
        "x-common: &common\n  restart: unless-stopped\n"
        "services:\n  web:\n    <<: *common\n    image: nginx:1.27\n"
    )


class Yaml11Ambiguity(_ProblemRule):
    code = "DC004"
    name = "yaml11-ambiguous-value"
    kind = "yaml11"
    tags = ("syntax",)
    severity = Severity.WARNING
    summary = "A plain value that YAML 1.1 tools read differently"
    description = (
        "Compose reads YAML 1.2, but many tools around it (PyYAML, older docker-compose v1, "
        "editors) read YAML 1.1, where `22:22` is the sexagesimal number 1342 and `yes`, `no`, "
        "`on`, `off` are booleans. Quote such values so every tool reads the same string."
    )
    bad = "services:\n  ssh:\n    image: gitea/gitea:1.22\n    ports:\n      - 22:22\n"
    good = "services:\n  ssh:\n    image: gitea/gitea:1.22\n    ports:\n      - \"22:22\"\n"


class InvalidInterpolation(_ProblemRule):
    code = "DC005"
    name = "invalid-interpolation"
    kind = "interpolation"
    tags = ("syntax",)
    severity = Severity.ERROR
    summary = "A `${...}` expression compose cannot interpolate"
    description = (
        "Compose substitutes `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR:?error}` and friends "
        "in every value. An unclosed brace or an invalid name makes `docker compose` fail with "
        "\"invalid interpolation format\". Write a literal dollar sign as `$$`."
    )
    bad = "services:\n  web:\n    image: \"nginx:${NGINX_VERSION\"\n"
    good = "services:\n  web:\n    image: \"nginx:${NGINX_VERSION:-1.27}\"\n"


class SchemaViolation(_ProblemRule):
    code = "DC006"
    name = "schema-violation"
    kind = "schema"
    tags = ("schema",)
    severity = Severity.ERROR
    summary = "The file does not follow the compose specification"
    description = (
        "The merged file is validated against the official compose-spec JSON schema: unknown "
        "keys (often a typo or a wrong indentation), values of the wrong type, invalid "
        "formats. `docker compose` refuses such files or silently ignores the key. Every error "
        "is reported at its own line and column."
    )
    bad = "services:\n  web:\n    image: nginx:1.27\n    restart_policy: always\n"
    good = "services:\n  web:\n    image: nginx:1.27\n    restart: always\n"


class MissingReferencedFile(_ProblemRule):
    code = "DC007"
    name = "missing-referenced-file"
    kind = "reference"
    tags = ("reference",)
    severity = Severity.ERROR
    summary = "An `include`, `extends` or `env_file` target does not exist"
    description = (
        "`include:` files, the `file:` of `extends:` and (non-optional) `env_file:` entries "
        "must exist when the project is loaded, or `docker compose` stops with an error. "
        "Mark an env file that may be absent with `required: false`."
    )
    bad = "services:\n  web:\n    image: nginx:1.27\n    env_file: does-not-exist.env\n"
    good = (
        "services:\n  web:\n    image: nginx:1.27\n    env_file:\n"
        "      - path: local.env\n        required: false\n"
    )


RULES = (
    DuplicateKey,
    AliasLimit,
    Yaml11Ambiguity,
    InvalidInterpolation,
    SchemaViolation,
    MissingReferencedFile,
)
