"""Syntax and schema findings: the compose front end's problems, one rule per kind.

The loader records every problem it meets while reading (``ComposeProblem``); these rules
only give each kind a code, a name and docs, so that users can select, ignore and suppress
them like any other finding. Unparseable files are the engine's DC001.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from linter import Applicability, ComposeContext, Diagnostic, Edit, Fix, Fixable, Severity
from linter.compose.layout import V1_ONLY_KEYS
from linter.compose.model import ComposeFile
from linter.compose.nodes import MappingNode, ScalarNode
from linter.diagnostics import Position, Span
from linter.targets import ComposeRule


class _ProblemRule(ComposeRule):
    """Reports the project's problems of one kind, at the place the loader found them."""

    kind: ClassVar[str]

    def check(self, context: ComposeContext) -> Iterator[Diagnostic]:
        seen: set[tuple[str, int, int, str]] = set()
        for problem in context.project.problems:
            if problem.kind != self.kind:
                continue
            key = (
                problem.path,
                problem.span.start.line,
                problem.span.start.column,
                problem.message,
            )
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
        '"billion laughs" attack), and recursive anchors never end. shiplint stops expanding '
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
        "`on`, `off` are booleans. Quote such values so every tool reads the same string. "
        "Only real disagreements are reported: in compose's boolean fields (`privileged`, "
        "`tty`, `stdin_open`, `read_only`, `init`, `external`, `internal`, `attachable`, ...) "
        "compose itself casts `yes`/`no`/`on`/`off` to booleans, so every reader agrees and "
        "nothing is reported there; in `environment`, `labels` and other string values "
        "compose keeps the string `on` while a YAML 1.1 reader sees `true`. The one-letter "
        "`y`/`Y`/`n`/`N` of the YAML 1.1 spec are not reported: PyYAML (docker-compose v1) "
        "reads them as strings, like compose."
    )
    bad = "services:\n  ssh:\n    image: gitea/gitea:1.22\n    ports:\n      - 22:22\n"
    good = 'services:\n  ssh:\n    image: gitea/gitea:1.22\n    ports:\n      - "22:22"\n'


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
        '"invalid interpolation format". Write a literal dollar sign as `$$`.'
    )
    bad = 'services:\n  web:\n    image: "nginx:${NGINX_VERSION"\n'
    good = 'services:\n  web:\n    image: "nginx:${NGINX_VERSION:-1.27}"\n'


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


class LegacyLayout(_ProblemRule):
    code = "DC008"
    name = "legacy-v1-layout"
    kind = "legacy-layout"
    tags = ("schema",)
    severity = Severity.ERROR
    summary = "Services written at the top level (the Compose v1 layout)"
    description = (
        "Compose v1 files wrote each service at the top level; the compose specification "
        "puts them under `services:`, and Docker Compose v2 refuses the old layout (every "
        "service is an unknown top-level key). The file is reported once, at line 1, and "
        "every service is then checked as if it stood under `services:` (security, "
        "isolation, secrets, pinning), never as a list of schema errors. The fix inserts "
        "`services:` and indents the services under it; it is offered only when the services "
        "are block mappings written one after the other at the left margin, and it is marked "
        "unsafe when a service uses keys the specification dropped (`net`, `dockerfile`, "
        "`log_driver`, `log_opt`, `volume_driver`), which need rewriting by hand."
    )
    bad = 'web:\n  image: nginx:1.27\n  ports:\n    - "8080:80"\n'
    good = 'services:\n  web:\n    image: nginx:1.27\n    ports:\n      - "8080:80"\n'
    fixable = Fixable.SOMETIMES

    def check(self, context: ComposeContext) -> Iterator[Diagnostic]:
        files = {compose_file.path: compose_file for compose_file in context.project.files}
        for diagnostic in super().check(context):
            compose_file = files.get(diagnostic.path)
            fix = _nest_fix(compose_file) if compose_file is not None else None
            yield (
                diagnostic
                if fix is None
                else self.report(diagnostic.path, diagnostic.span, diagnostic.message, fix)
            )


def _nest_fix(compose_file: ComposeFile) -> Fix | None:
    """Insert ``services:`` above the first service and indent every service under it, when
    that is a plain text edit: one document, block mappings at the left margin, written one
    after the other."""
    root = compose_file.root
    section = root.get("services") if root is not None else None
    if root is None or not isinstance(section, MappingNode) or not section.pairs:
        return None
    lines = compose_file.source.splitlines(keepends=True)
    if any(line.startswith(("---", "...", "\t")) for line in lines):
        return None
    services = section.pairs
    if any(
        pair.merged
        or pair.key.span.start.column != 1
        or not isinstance(pair.value, MappingNode)
        or pair.value.span.start.line == pair.key.span.start.line
        for pair in services
    ):
        return None  # flow style, or a service written on its key's line
    first = services[0].key.span.start.line
    last_service = services[-1].key.span.start.line
    others = [pair.key.span.start.line for pair in root.pairs if pair.value is not section]
    if any(first < line < last_service for line in others):
        return None  # another top-level key between services
    end = min([line for line in others if line > last_service], default=len(lines) + 1)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    # One edit over the whole block, so that no other fix computed for the un-nested text
    # is applied in the same round (the fixer skips overlapping fixes and lints again).
    block = lines[first - 1 : end - 1]
    text = "services:" + newline + "".join("  " + line if line.strip() else line for line in block)
    edits = [Edit(Span(Position(first, 1), Position(end, 1)), text)]
    v1_only = any(
        isinstance(pair.value, MappingNode)
        and any(_written_key(lines, inner.key) in V1_ONLY_KEYS for inner in pair.value.pairs)
        for pair in services
    )
    applicability = Applicability.UNSAFE if v1_only else Applicability.SAFE
    return Fix("nest the services under `services:`", tuple(edits), applicability)


def _written_key(lines: list[str], key: ScalarNode) -> str:
    """A key as written in the file: the loader reads a v1 ``net:`` as ``network_mode``."""
    start, end = key.span.start, key.span.end
    if start.line != end.line or not 0 < start.line <= len(lines):
        return key.text
    return lines[start.line - 1][start.column - 1 : end.column - 1].strip("\"'") or key.text


RULES = (
    DuplicateKey,
    AliasLimit,
    Yaml11Ambiguity,
    InvalidInterpolation,
    SchemaViolation,
    MissingReferencedFile,
    LegacyLayout,
)
