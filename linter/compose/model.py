"""The compose project as rules see it: files, the merged tree and its services."""

from __future__ import annotations

from linter.compose.nodes import MappingNode, Node, ScalarNode
from linter.diagnostics import Span
from linter.records import field, record


@record
class ComposeProblem:
    """Something the front end found while reading; syntax rules turn these into findings.

    ``kind`` is one of: "syntax" (unparseable YAML or not a mapping), "duplicate-key",
    "alias-limit" (alias bomb / too many nodes / too deep), "yaml11" (a value YAML 1.1 would
    read differently, e.g. ``80:80`` or ``yes``), "interpolation" (malformed ``${...}``),
    "schema" (compose-spec violation), "reference" (missing include/extends/env_file target).
    """

    kind: str
    message: str
    path: str
    span: Span


@record
class ComposeFile:
    path: str
    source: str
    root: MappingNode | None  # None when the file could not be parsed at all
    problems: tuple[ComposeProblem, ...] = ()


@record
class Service:
    name: str
    node: MappingNode  # the merged, interpolated definition
    key: ScalarNode  # the service's name key, where it is written

    @property
    def path(self) -> str:
        return self.key.path

    def get(self, key: str) -> Node | None:
        return self.node.get(key)


@record
class ComposeProject:
    """One compose project: the main file, its override/include files, merged."""

    files: tuple[ComposeFile, ...]  # main file first, then overrides and includes
    root: MappingNode | None  # merged and interpolated
    services: dict[str, Service] = field(default_factory=dict)
    problems: tuple[ComposeProblem, ...] = ()  # every file's problems plus merge/schema ones
    environment: dict[str, str] = field(default_factory=dict)  # from .env, used for interpolation
    project_dir: str = "."

    @property
    def path(self) -> str:
        return self.files[0].path if self.files else ""

    def section(self, name: str) -> MappingNode | None:
        """A top-level mapping such as ``networks`` or ``volumes``, if present."""
        if self.root is None:
            return None
        node = self.root.get(name)
        return node if isinstance(node, MappingNode) else None
