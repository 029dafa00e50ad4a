"""What the picture formats share: which node sits in which box, which edges are drawn,
and the colours.

The JSON keeps the topology as it is (every network membership is an edge). The pictures
group services by network instead: a service sits in the box of its first network, and only
its other memberships (and any membership a finding is about) are drawn as edges to the
network's node. A service with ``network_mode`` sits in the project box.
"""

from __future__ import annotations

from linter.diagnostics import Severity
from linter.graph.labels import shorten
from linter.graph.model import Edge, Element, Graph, Node
from linter.records import field, record

SEVERITY_COLOURS = {
    Severity.ERROR: "#d1242f",
    Severity.WARNING: "#e36209",
    Severity.INFO: "#0969da",
    Severity.STYLE: "#8250df",
}
PLAIN_STROKE = "#57606a"
BOX_FILLS = {
    "project": "#f6f8fa",
    "host": "#ffffff",
    "network": "#eef7ff",
    "dockerfile": "#fbefff",
    "legend": "#ffffff",
}
GREY = "#afb8c1"

# Fill colours by the look of a node (see ``look``).
FILLS = {
    "service": "#ffffff",
    "network": "#ddf4ff",
    "public": "#fff8c5",  # a port on every interface
    "local": "#dafbe1",  # a port on one address (127.0.0.1 ...)
    "host-network": "#ffebe9",
    "volume": "#f6f8fa",
    "bind": "#f6f8fa",
    "sensitive": "#ffebe9",
    "secret": "#fbefff",
    "config": "#fbefff",
    "stage": "#ffffff",
    "unreached": "#eaeef2",
    "image": "#f6f8fa",
}


def look(node: Node) -> str:
    """The key of a node's fill: its kind, refined by what the picture must show."""
    attributes = node.attributes
    if node.kind == "port":
        return "public" if attributes.get("all_interfaces") else "local"
    if node.kind == "bind" and attributes.get("sensitive"):
        return "sensitive"
    if node.kind == "stage" and attributes.get("reached") is False:
        return "unreached"
    return node.kind


def stroke(element: Element) -> str:
    severity = element.severity
    return SEVERITY_COLOURS[severity] if severity is not None else PLAIN_STROKE


def tooltip(element: Element) -> str:
    """Full details for a hover: attributes, then one line per finding."""
    parts = [f"{element.kind} {element.label.splitlines()[0] if element.label else ''}".strip()]
    for key, value in sorted(element.attributes.items()):
        if value in (None, False, "", []):
            continue
        shown = ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
        parts.append(f"{key}: {shown}")
    for finding in element.findings:
        parts.append(f"{finding.code} {finding.severity.value}: {finding.message}")
    return "\n".join(parts)


@record(frozen=False)
class Box:
    """A subgraph of the picture: a project, the host, a network, a Dockerfile, the legend."""

    id: str
    label: str
    kind: str
    element: Element | None = None
    boxes: list[Box] = field(default_factory=list)
    nodes: list[Node] = field(default_factory=list)


@record(frozen=False)
class Layout:
    boxes: list[Box]
    loose: list[Node]  # nodes outside every box
    edges: list[Edge]
    junctions: list[str] = field(default_factory=list)  # ids of bundling points


BUNDLED = ("depends-on", "mounts", "uses", "builds")
BUNDLE_MIN_SERVICES = 3


def bundle(edges: list[Edge]) -> tuple[list[Edge], list[str]]:
    """Services with the same set of dependencies (or mounts, secrets, builds) share one
    junction: S services x T targets draw as S + T lines instead of S x T.

    Only edges without findings are bundled; an edge with a finding stays on its own so
    its colour is seen. The JSON keeps every edge as it is.
    """
    sets: dict[tuple[str, str], list[Edge]] = {}
    for edge in edges:
        if edge.kind in BUNDLED and not edge.findings:
            sets.setdefault((edge.kind, edge.source), []).append(edge)
    groups: dict[tuple[str, tuple[tuple[str, str], ...]], list[str]] = {}
    for (kind, source), found in sets.items():
        key = (kind, tuple(sorted((e.target, e.label) for e in found)))
        groups.setdefault(key, []).append(source)
    replaced: dict[tuple[str, str], str] = {}
    junctions: list[str] = []
    extra: list[Edge] = []
    for (kind, _targets), sources in groups.items():
        if len(sources) < BUNDLE_MIN_SERVICES:
            continue
        junction = f"j_{kind.replace('-', '_')}_{len(junctions) + 1}"
        junctions.append(junction)
        for source in sources:
            replaced[(kind, source)] = junction
        template = sets[(kind, sources[0])]
        extra.extend(
            Edge(
                f"{junction}_in_{source}",
                kind,
                "",
                {"bundle": True},
                source=source,
                target=junction,
            )
            for source in sources
        )
        extra.extend(
            Edge(
                f"{junction}_out_{e.target}",
                kind,
                e.label,
                dict(e.attributes),
                source=junction,
                target=e.target,
            )
            for e in template
        )
    kept = [
        edge
        for edge in edges
        if not (edge.kind in BUNDLED and not edge.findings and (edge.kind, edge.source) in replaced)
    ]
    return kept + extra, junctions


def arrange(graph: Graph) -> Layout:
    """Boxes and the edges to draw, in the graph's (deterministic) order."""
    by_group: dict[str, Box] = {}
    top: list[Box] = []
    for group in graph.groups:
        box = Box(group.id, group.label, group.kind, group)
        by_group[group.id] = box
        parent = by_group.get(group.parent) if group.parent else None
        (parent.boxes if parent is not None else top).append(box)
    primary: dict[str, str] = {}  # service id -> network id of its box
    drawn: list[Edge] = []
    for edge in graph.edges:
        if edge.kind == "network" and edge.attributes.get("primary"):
            primary[edge.source] = edge.target
            if not edge.findings:
                continue
        drawn.append(edge)
    drawn, hidden, extra = collapse_binds(graph, drawn)
    network_boxes: dict[str, Box] = {}
    loose: list[Node] = []
    for node in graph.nodes:
        if node.kind == "network":
            parent = by_group.get(node.group or "")
            box = Box("box_" + node.id, "network " + node.label, "network", node, [], [node])
            network_boxes[node.id] = box
            (parent.boxes if parent is not None else top).append(box)
    for node in [*graph.nodes, *extra]:
        if node.kind == "network" or node.id in hidden:
            continue
        network = primary.get(node.id)
        if network is not None and network in network_boxes:
            network_boxes[network].nodes.append(node)
            continue
        parent = by_group.get(node.group or "")
        (parent.nodes if parent is not None else loose).append(node)
    touched = {edge.source for edge in drawn} | {edge.target for edge in drawn}
    for network_id, box in network_boxes.items():
        hub = box.nodes[0]
        if len(box.nodes) > 1 and network_id not in touched and not hub.findings:
            box.nodes.pop(0)  # the box says it all: no edge needs the network's own node
    top = _prune(top)
    drawn, junctions = bundle(drawn)
    return Layout(top, loose, drawn, junctions)


COLLAPSE_BINDS = 4  # a service with this many plain bind mounts gets one summary node


def collapse_binds(graph: Graph, edges: list[Edge]) -> tuple[list[Edge], set[str], list[Node]]:
    """A service that mounts many plain files of the project (mailcow's nginx mounts 30)
    draws them as one node, ``./data/conf (12 bind mounts)``, listed in its tooltip.

    Sensitive paths and mounts with findings stay on their own. Returns the edges to draw,
    the bind nodes no drawn edge needs any more, and the summary nodes.
    """
    plain: dict[str, list[Edge]] = {}
    for edge in edges:
        target = graph.node(edge.target)
        if (
            edge.kind == "mounts"
            and not edge.findings
            and target is not None
            and target.kind == "bind"
            and not target.attributes.get("sensitive")
            and not target.findings
        ):
            plain.setdefault(edge.source, []).append(edge)
    removed: set[str] = set()
    extra: list[Node] = []
    added: list[Edge] = []
    for source, found in plain.items():
        if len(found) < COLLAPSE_BINDS:
            continue
        service = graph.node(source)
        paths = [
            str(graph.node(e.target).attributes.get("path"))  # type: ignore[union-attr]
            for e in found
        ]
        folder = _common_folder(paths)
        summary = Node(
            f"binds_{source}",
            "bind",
            f"{shorten(folder)} ({len(paths)} bind mounts)",
            {"paths": paths, "collapsed": True},
            group=service.group if service is not None else None,
        )
        extra.append(summary)
        added.append(
            Edge(
                f"e_{source}_mounts_{summary.id}",
                "mounts",
                "",
                {"collapsed": True},
                source=source,
                target=summary.id,
            )
        )
        removed.update(e.id for e in found)
    kept = [e for e in edges if e.id not in removed]
    needed = {e.target for e in kept} | {e.source for e in kept}
    hidden = {e.target for e in edges if e.id in removed and e.target not in needed}
    return kept + added, hidden, extra


def _common_folder(paths: list[str]) -> str:
    parts = [path.split("/")[:-1] for path in paths]
    common: list[str] = []
    for level in zip(*parts, strict=False):
        if len(set(level)) != 1:
            break
        common.append(level[0])
    return "/".join(common) or "."


def _prune(boxes: list[Box]) -> list[Box]:
    """Drop boxes left empty (the host box of a stack that publishes nothing)."""
    kept = []
    for box in boxes:
        box.boxes = _prune(box.boxes)
        if box.boxes or box.nodes:
            kept.append(box)
    return kept


LEGEND = (
    ("error", SEVERITY_COLOURS[Severity.ERROR]),
    ("warning", SEVERITY_COLOURS[Severity.WARNING]),
    ("info", SEVERITY_COLOURS[Severity.INFO]),
    ("style", SEVERITY_COLOURS[Severity.STYLE]),
)
