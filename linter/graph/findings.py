"""Hanging findings on the picture: each diagnostic goes to the element whose place holds it.

Every element records the places in the files it stands for (a service's mapping in each
file that writes it, a ``ports:`` entry, a ``COPY --from`` flag, a stage). A finding belongs
to the smallest place that contains its start, so a finding on a port entry lands on the
port's edge and not on the whole service; one outside every place falls back to the group
of its file (the project, the Dockerfile), and one in a file the picture does not show is
kept in ``Graph.unplaced``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from linter.diagnostics import Diagnostic, Position
from linter.graph.model import Edge, Element, Graph, Where


def _size(place: Where) -> tuple[int, int]:
    start, end = place.span.start, place.span.end
    return (end.line - start.line, end.column - start.column if end.line == start.line
            else end.column)


def _holds(place: Where, position: Position) -> bool:
    start, end = place.span.start, place.span.end
    if start == end:
        return position == start
    return start <= position < end


def attach(graph: Graph, diagnostics: Iterable[Diagnostic],
           edge_codes: Collection[str] = ()) -> None:
    """Add each diagnostic to the findings of the element it is about.

    When a node and an edge stand at the same place (a service key is also where its
    implicit ``default`` network membership is), findings of ``edge_codes`` (the network
    isolation rules) go to the edge, the others to the node.
    """
    by_line: dict[tuple[str, int], list[tuple[Where, Element]]] = {}
    fallback: dict[str, Element] = {}
    for group in graph.groups:
        for place in group.places:
            fallback.setdefault(place.path, group)
    for element in [*graph.nodes, *graph.edges]:
        for place in element.places:
            for line in range(place.span.start.line, place.span.end.line + 1):
                by_line.setdefault((place.path, line), []).append((place, element))
    for diagnostic in diagnostics:
        position = diagnostic.span.start
        candidates = [(place, element)
                      for place, element in by_line.get((diagnostic.path, position.line), ())
                      if _holds(place, position)]
        if candidates:
            prefer_edge = diagnostic.code in edge_codes
            best = min(candidates, key=lambda found: (
                _size(found[0]), isinstance(found[1], Edge) != prefer_edge))[1]
        else:
            best = fallback.get(diagnostic.path)  # type: ignore[assignment]
        if best is None:
            graph.unplaced.append(diagnostic)
        else:
            best.findings.append(diagnostic)
