"""Mermaid flowchart: what GitHub and GitLab render inside Markdown.

Shapes tell kinds apart (hexagon network, stadium port, cylinder volume, parallelogram bind
mount, flag secret or config, trapezoid external image), fills tell the state (a port on
every interface is yellow, one on a single address green, a sensitive bind mount red, a stage
no build reaches grey), and the border colour is the highest severity of the findings about
the node or edge (the legend box says which colour is which).
"""

from __future__ import annotations

from linter.graph.layout import (
    BOX_FILLS,
    FILLS,
    GREY,
    LEGEND,
    PLAIN_STROKE,
    Box,
    arrange,
    look,
    stroke,
)
from linter.graph.model import Edge, Graph, Node

SHAPES = {
    "service": ('["', '"]'),
    "network": ('{{"', '"}}'),
    "port": ('(["', '"])'),
    "host-network": ('[["', '"]]'),
    "volume": ('[("', '")]'),
    "bind": ('[/"', '"/]'),
    "secret": ('>"', '"]'),
    "config": ('>"', '"]'),
    "stage": ('["', '"]'),
    "image": ('[/"', '"\\]'),
}
ARROWS = {
    "publishes": "-->",
    "network": "-.-",
    "network-mode": "==>",
    "depends-on": "-.->",
    "mounts": "---",
    "uses": "-.-",
    "builds": "==>",
    "from": "-->",
    "copy": "-.->",
    "mount": "-.->",
}


def escape(text: str) -> str:
    """Label text for a quoted Mermaid string: entity codes for what its parser reads."""
    out = text.replace("#", "#35;")
    for char, code in (("&", "#amp;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;")):
        out = out.replace(char, code)
    return out.replace("\n", "<br>")


def _node(node: Node, indent: str) -> str:
    open_, close = SHAPES.get(node.kind, ('["', '"]'))
    return f"{indent}{node.id}{open_}{escape(node.label)}{close}"


def _class_name(node: Node) -> str:
    severity = node.severity
    final = "_final" if node.attributes.get("final") and node.attributes.get("reached") else ""
    return f"k_{look(node).replace('-', '_')}{final}" + (f"_{severity.value}" if severity else "")


def _class_style(node: Node) -> str:
    kind = look(node)
    colour = stroke(node)
    width = "3px" if node.severity is not None else "1px"
    if node.attributes.get("final") and node.attributes.get("reached"):
        width = "3px" if node.severity is not None else "2px"
    text = f"fill:{FILLS.get(kind, '#ffffff')},stroke:{colour},stroke-width:{width}"
    if kind == "unreached":
        text += f",color:{GREY}"
        if node.severity is None:
            text = text.replace(f"stroke:{PLAIN_STROKE}", f"stroke:{GREY}")
    if node.kind == "image" or node.attributes.get("external"):
        text += ",stroke-dasharray:4 3"
    return text


def _box(box: Box, indent: str, lines: list[str]) -> None:
    lines.append(f'{indent}subgraph {box.id}["{escape(box.label)}"]')
    for child in box.boxes:
        _box(child, indent + "  ", lines)
    for node in box.nodes:
        lines.append(_node(node, indent + "  "))
    lines.append(f"{indent}end")


def _edge(edge: Edge) -> str:
    arrow = ARROWS.get(edge.kind, "-->")
    if edge.kind == "publishes" and edge.attributes.get("all_interfaces"):
        arrow = "==>"
    if edge.kind == "network" and edge.findings:
        arrow = "-.->"
    label = f'|"{escape(edge.label)}"|' if edge.label else ""
    return f"  {edge.source} {arrow}{label} {edge.target}"


def render(graph: Graph, legend: bool = True) -> str:
    """The whole graph as one ``flowchart LR``."""
    layout = arrange(graph)
    order = {node.id: index for index, node in enumerate(graph.nodes)}
    lines = ["flowchart LR"]
    for box in layout.boxes:
        _box(box, "  ", lines)
    for node in layout.loose:
        lines.append(_node(node, "  "))
    for junction in layout.junctions:
        lines.append(f'  {junction}((" "))')
    for edge in layout.edges:
        lines.append(_edge(edge))
    if legend and graph.nodes:
        lines.append('  subgraph legend["findings: border colour"]')
        for name, _colour in LEGEND:
            lines.append(f'    legend_{name}["{name}"]')
        lines.append("  end")
    classes: dict[str, tuple[str, list[str]]] = {}
    drawn_nodes = [n for box in _all_boxes(layout.boxes) for n in box.nodes] + layout.loose
    for node in sorted(drawn_nodes, key=lambda n: order.get(n.id, len(order))):
        name = _class_name(node)
        classes.setdefault(name, (_class_style(node), []))[1].append(node.id)
    for name, (style, ids) in classes.items():
        lines.append(f"  classDef {name} {style}")
        lines.append(f"  class {','.join(ids)} {name}")
    if layout.junctions:
        lines.append("  classDef junction fill:#57606a,stroke:#57606a")
        lines.append(f"  class {','.join(layout.junctions)} junction")
    if legend and graph.nodes:
        lines.append("  style legend fill:#ffffff,stroke:#8c959f")
        for name, colour in LEGEND:
            lines.append(f"  style legend_{name} fill:#ffffff,stroke:{colour},stroke-width:3px")
    styled: dict[str, list[int]] = {}
    for index, edge in enumerate(layout.edges):
        style = _edge_style(edge)
        if style:
            styled.setdefault(style, []).append(index)
    for style, indexes in styled.items():
        lines.append(f"  linkStyle {','.join(str(i) for i in indexes)} {style}")
    for box in _all_boxes(layout.boxes):
        fill = BOX_FILLS.get(box.kind, "#ffffff")
        if box.element is not None and box.element.severity is not None:
            lines.append(
                f"  style {box.id} fill:{fill},stroke:{stroke(box.element)},stroke-width:3px"
            )
        else:
            lines.append(f"  style {box.id} fill:{fill},stroke:#8c959f")
    return "\n".join(lines) + "\n"


def _edge_style(edge: Edge) -> str:
    if edge.severity is not None:
        return f"stroke:{stroke(edge)},stroke-width:3px"
    return ""


def _all_boxes(boxes: list[Box]) -> list[Box]:
    found: list[Box] = []
    for box in boxes:
        found.append(box)
        found.extend(_all_boxes(box.boxes))
    return found
