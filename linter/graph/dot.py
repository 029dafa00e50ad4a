"""Graphviz DOT: for ``dot -Tsvg`` / ``-Tpng`` wherever Markdown does not render Mermaid.

The same boxes, shapes and colours as the Mermaid output; every node and edge carries a
``tooltip`` with its full details and findings (shown on hover in SVG).
"""

from __future__ import annotations

from linter.graph.layout import BOX_FILLS, FILLS, GREY, LEGEND, Box, arrange, look, stroke, tooltip
from linter.graph.model import Edge, Graph, Node

FONT = "Helvetica"
SHAPES = {
    "service": "box",
    "network": "hexagon",
    "port": "box",
    "host-network": "box3d",
    "volume": "cylinder",
    "bind": "folder",
    "secret": "note",
    "config": "note",
    "stage": "box",
    "image": "component",
}
EDGE_STYLES = {
    "publishes": "solid",
    "network": "dashed",
    "network-mode": "bold",
    "depends-on": "dashed",
    "mounts": "solid",
    "uses": "dotted",
    "builds": "bold",
    "from": "solid",
    "copy": "dashed",
    "mount": "dotted",
}


def quote(text: str) -> str:
    """A DOT double-quoted string; line breaks become centred ``\\n``."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _attributes(values: dict[str, str]) -> str:
    return "[" + ", ".join(f"{key}={value}" for key, value in values.items()) + "]"


def _node(node: Node, indent: str) -> str:
    kind = look(node)
    styles = ["filled"]
    if node.kind in ("service", "port", "stage"):
        styles.append("rounded")
    if node.kind == "image" or node.attributes.get("external"):
        styles.append("dashed")
    values = {
        "label": quote(node.label),
        "shape": SHAPES.get(node.kind, "box"),
        "style": quote(",".join(styles)),
        "fillcolor": quote(FILLS.get(kind, "#ffffff")),
        "color": quote(stroke(node)),
        "penwidth": "3"
        if node.severity is not None
        else ("2" if node.attributes.get("final") and node.attributes.get("reached") else "1"),
        "tooltip": quote(tooltip(node)),
    }
    if kind == "unreached":
        values["fontcolor"] = quote(GREY)
        if node.severity is None:
            values["color"] = quote(GREY)
    return f"{indent}{node.id} {_attributes(values)};"


def _box(box: Box, indent: str, lines: list[str]) -> None:
    lines.append(f"{indent}subgraph cluster_{box.id} {{")
    inner = indent + "  "
    colour = stroke(box.element) if box.element is not None else "#8c959f"
    width = "3" if box.element is not None and box.element.severity is not None else "1"
    lines.append(
        f'{inner}label={quote(box.label)}; style="rounded,filled"; '
        f"fillcolor={quote(BOX_FILLS.get(box.kind, '#ffffff'))}; "
        f"color={quote(colour)}; penwidth={width};"
    )
    if box.element is not None:
        lines.append(f"{inner}tooltip={quote(tooltip(box.element))};")
    if box.kind == "host":  # the host's ports in one column, at the edge of the stack
        lines.append(f"{inner}rank=same;")
    for child in box.boxes:
        _box(child, inner, lines)
    for node in box.nodes:
        lines.append(_node(node, inner))
    lines.append(f"{indent}}}")


def _edge(edge: Edge) -> str:
    style = EDGE_STYLES.get(edge.kind, "solid")
    if edge.kind == "publishes" and edge.attributes.get("all_interfaces"):
        style = "bold"
    values = {
        "style": style,
        "color": quote(stroke(edge)),
        "penwidth": "3" if edge.severity is not None else ("2" if style == "bold" else "1"),
        "tooltip": quote(tooltip(edge)),
    }
    if edge.label:
        values["label"] = quote(edge.label)
    if edge.kind in ("network", "mounts", "uses") or edge.attributes.get("bundle"):
        values["arrowhead"] = "none"
    return f"  {edge.source} -> {edge.target} {_attributes(values)};"


def render(graph: Graph, legend: bool = True) -> str:
    layout = arrange(graph)
    lines = [
        "digraph shiplint {",
        f"  graph [rankdir=LR, fontname={quote(FONT)}, fontsize=12, nodesep=0.3, "
        "ranksep=0.6, newrank=true];",
        f'  node [fontname={quote(FONT)}, fontsize=11, margin="0.12,0.05"];',
        f"  edge [fontname={quote(FONT)}, fontsize=9];",
    ]
    for box in layout.boxes:
        _box(box, "  ", lines)
    for node in layout.loose:
        lines.append(_node(node, "  "))
    for junction in layout.junctions:
        lines.append(
            f'  {junction} [shape=point, width=0.08, color="#57606a", '
            'tooltip="shared by several services"];'
        )
    for edge in layout.edges:
        lines.append(_edge(edge))
    if legend and graph.nodes:
        lines.append("  subgraph cluster_legend {")
        lines.append('    label="findings: border colour"; style="rounded"; color="#8c959f";')
        for name, colour in LEGEND:
            lines.append(
                f"    legend_{name} [label={quote(name)}, shape=box, style=rounded, "
                f"color={quote(colour)}, penwidth=3];"
            )
        names = [f"legend_{name}" for name, _ in LEGEND]
        lines.append(f"    {' -> '.join(names)} [style=invis];")  # one row, not a column
        lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"
