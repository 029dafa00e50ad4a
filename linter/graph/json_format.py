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
    return json.dumps(as_data(graph, tool_version), indent=2, ensure_ascii=False) + "\n"
