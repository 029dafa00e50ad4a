"""The graph as JSON, for other tools: schema ``shiplint-graph``, version 1.

Documented in docs/graph-schema.md. Version 1 only ever gains optional fields; a change
that removes or renames a field raises the version.
"""

from __future__ import annotations

import json
from typing import Any

from linter.diagnostics import Diagnostic
from linter.graph.model import SCHEMA_VERSION, Element, Graph


def _finding(diagnostic: Diagnostic) -> dict[str, Any]:
    span = diagnostic.span
    return {
        "code": diagnostic.code,
        "name": diagnostic.name,
        "severity": diagnostic.severity.value,
        "message": diagnostic.message,
        "path": diagnostic.path,
        "line": span.start.line,
        "column": span.start.column,
        "end_line": span.end.line,
        "end_column": span.end.column,
    }


def _element(element: Element) -> dict[str, Any]:
    severity = element.severity
    return {
        "id": element.id,
        "kind": element.kind,
        "label": element.label,
        "attributes": dict(sorted(element.attributes.items())),
        "severity": severity.value if severity is not None else None,
        "codes": element.codes,
        "findings": [_finding(d) for d in element.findings],
    }


def as_data(graph: Graph, tool_version: str) -> dict[str, Any]:
    return {
        "schema": "shiplint-graph",
        "version": SCHEMA_VERSION,
        "tool": {"name": "shiplint", "version": tool_version},
        "groups": [{**_element(g), "parent": g.parent} for g in graph.groups],
        "nodes": [{**_element(n), "group": n.group} for n in graph.nodes],
        "edges": [{**_element(e), "source": e.source, "target": e.target} for e in graph.edges],
        "unplaced": [_finding(d) for d in graph.unplaced],
    }


def render(graph: Graph, tool_version: str) -> str:
    """One group, node, edge or unplaced finding per line: a diff of two graphs reads line by
    line, and each line is encoded by json's C encoder (``indent`` would use the slow
    pure-Python one: a third of the drawing time on a 100-service stack)."""
    data = as_data(graph, tool_version)
    lines = ["{"]
    keys = list(data)
    for position, key in enumerate(keys):
        comma = "," if position < len(keys) - 1 else ""
        value = data[key]
        if isinstance(value, list) and value:
            lines.append(f"  {json.dumps(key)}: [")
            lines.extend(
                f"    {json.dumps(item, ensure_ascii=False)}"
                + ("," if index < len(value) - 1 else "")
                for index, item in enumerate(value)
            )
            lines.append(f"  ]{comma}")
        else:
            lines.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"
