"""Hanging findings on the picture: each diagnostic goes to the element whose place holds it.

Every element records the places in the files it stands for (a service's mapping in each
file that writes it, a ``ports:`` entry, a ``COPY --from`` flag, a stage). A finding belongs
to the smallest place that contains its start, so a finding on a port entry lands on the
port's edge and not on the whole service; one outside every place falls back to the group
of its file (the project, the Dockerfile), and one in a file the picture does not show is
kept in ``Graph.unplaced``.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection, Iterable

from linter.diagnostics import Diagnostic, Position
from linter.graph.model import Edge, Element, Graph

Key = tuple[int, int]


def _key(position: Position) -> Key:
    return (position.line, position.column)


def attach(
    graph: Graph, diagnostics: Iterable[Diagnostic], edge_codes: Collection[str] = ()
) -> None:
    """Add each diagnostic to the findings of the element it is about.

    When a node and an edge stand at the same place (a service key is also where its
    implicit ``default`` network membership is), findings of ``edge_codes`` (the network
    isolation rules) go to the edge, the others to the node.
    """
    diagnostics = list(diagnostics)
    wanted: dict[str, list[int]] = {}  # path -> the lines findings start on, sorted
    for diagnostic in diagnostics:
        wanted.setdefault(diagnostic.path, []).append(diagnostic.span.start.line)
    for found_lines in wanted.values():
        found_lines.sort()
    # (path, line) -> the places covering a line some finding starts on
    by_line: dict[tuple[str, int], list[tuple[Key, Key, Key, Element]]] = {}
    fallback: dict[str, Element] = {}
    for group in graph.groups:
        for place in group.places:
            fallback.setdefault(place.path, group)
    for element in [*graph.nodes, *graph.edges]:
        for place in element.places:
            lines = wanted.get(place.path)
            if not lines:
                continue
            first, last = place.span.start.line, place.span.end.line
            index = bisect_left(lines, first)
            if index == len(lines) or lines[index] > last:
                continue
            start, end = _key(place.span.start), _key(place.span.end)
            size = (end[0] - start[0], end[1] - start[1] if end[0] == start[0] else end[1])
            entry = (start, end, size, element)
            covered = 0
            while index < len(lines) and lines[index] <= last:
                if lines[index] != covered:  # several findings on one line: one entry
                    covered = lines[index]
                    by_line.setdefault((place.path, covered), []).append(entry)
                index += 1
    for diagnostic in diagnostics:
        position = _key(diagnostic.span.start)
        prefer_edge = diagnostic.code in edge_codes
        best: Element | None = None
        best_rank: tuple[Key, bool] | None = None
        for start, end, size, element in by_line.get((diagnostic.path, position[0]), ()):
            if not (start <= position < end or start == end == position):
                continue
            rank = (size, isinstance(element, Edge) != prefer_edge)
            if best_rank is None or rank < best_rank:
                best, best_rank = element, rank
        if best is None:
            best = fallback.get(diagnostic.path)
        if best is None:
            graph.unplaced.append(diagnostic)
        else:
            best.findings.append(diagnostic)
