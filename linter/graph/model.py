"""The picture as data: groups, nodes and edges with the findings about them.

The builders (``compose``, ``stages``) fill a :class:`Graph`; ``findings`` hangs each
diagnostic on the element whose source span holds it; the renderers (``mermaid``, ``dot``,
``json_format``) only read. Ids are derived from names, never from memory addresses or
hashes, and every list keeps the order of the files, so two runs over the same files give
the same text and a diff of two graphs is a diff of the stacks.
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.diagnostics import Diagnostic, Severity, Span
from linter.patterns import lazy_compile
from linter.records import field, record

SCHEMA_VERSION = 1

# Kinds of the JSON schema (documented in docs/graph-schema.md).
GROUP_KINDS = ("project", "host", "dockerfile")
NODE_KINDS = (
    "service",
    "network",
    "port",
    "host-network",
    "volume",
    "bind",
    "secret",
    "config",
    "stage",
    "image",
)
EDGE_KINDS = (
    "publishes",
    "network",
    "network-mode",
    "depends-on",
    "mounts",
    "uses",
    "builds",
    "from",
    "copy",
    "mount",
)

_ID_UNSAFE = lazy_compile(r"[^A-Za-z0-9_]+")


@record(compiled=True)  # one per place of every element: thousands in a large stack
class Where:
    """A place in a file that an element stands for: diagnostics inside it belong to it."""

    path: str
    span: Span


@record(frozen=False)
class Element:
    """What nodes, edges and groups share: an id, a label, details and findings."""

    id: str
    kind: str
    label: str
    attributes: dict[str, object] = field(default_factory=dict)
    places: list[Where] = field(default_factory=list, compare=False, repr=False)
    findings: list[Diagnostic] = field(default_factory=list)

    @property
    def severity(self) -> Severity | None:
        """The highest severity among the findings, None without findings."""
        if not self.findings:
            return None
        return max((d.severity for d in self.findings), key=lambda s: s.rank)

    @property
    def codes(self) -> list[str]:
        return sorted({d.code for d in self.findings})


@record(frozen=False)
class Group(Element):
    parent: str | None = None


@record(frozen=False, compiled=True)
class Node(Element):
    group: str | None = None


@record(frozen=False, compiled=True)  # hundreds in a large stack
class Edge(Element):
    source: str = ""
    target: str = ""


@record(frozen=False)
class Graph:
    """Everything one ``shiplint graph`` run draws."""

    groups: list[Group] = field(default_factory=list)
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    unplaced: list[Diagnostic] = field(default_factory=list)  # findings no element holds
    _ids: set[str] = field(default_factory=set, compare=False, repr=False)
    _nodes: dict[str, Node] = field(default_factory=dict, compare=False, repr=False)

    def new_id(self, *parts: str) -> str:
        """A readable id from ``parts`` that no element has yet; deterministic in build order."""
        return self._unique("_".join(_ID_UNSAFE.sub("_", part).strip("_") or "x" for part in parts))

    def _unique(self, base: str) -> str:
        candidate, number = base, 1
        while candidate in self._ids:
            number += 1
            candidate = f"{base}_{number}"
        self._ids.add(candidate)
        return candidate

    def add_group(
        self, kind: str, label: str, key: str, parent: str | None = None, /, **attributes: object
    ) -> Group:
        group = Group(self.new_id(kind, key), kind, label, dict(attributes), parent=parent)
        self.groups.append(group)
        return group

    def add_node(
        self, kind: str, label: str, key: str, group: str | None, /, **attributes: object
    ) -> Node:
        node = Node(
            self.new_id(_ID_PREFIX.get(kind, kind), key), kind, label, dict(attributes), group=group
        )
        self.nodes.append(node)
        self._nodes[node.id] = node
        return node

    def add_edge(
        self, kind: str, source: str, target: str, label: str = "", /, **attributes: object
    ) -> Edge:
        edge_id = self._unique(f"e_{source}_{kind.replace('-', '_')}_{target}")  # ids are safe
        edge = Edge(edge_id, kind, label, dict(attributes), source=source, target=target)
        self.edges.append(edge)
        return edge

    def elements(self) -> Iterator[Element]:
        yield from self.groups
        yield from self.nodes
        yield from self.edges

    def node(self, node_id: str) -> Node | None:
        return self._nodes.get(node_id)


_ID_PREFIX = {
    "service": "svc",
    "network": "net",
    "port": "port",
    "volume": "vol",
    "bind": "bind",
    "secret": "secret",
    "config": "config",
    "stage": "stage",
    "image": "img",
    "host-network": "hostnet",
}
