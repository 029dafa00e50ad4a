"""From paths to a graph: the same discovery, parsing and findings as ``shiplint check``.

The findings come from :func:`linter.engine.run` with the run's settings (configuration,
selection, severity overrides, suppressions). The structures come from the engine's own
loaders (``discover``, ``group_compose``, ``load_compose``, ``build_links``), so a project
is merged as ``check`` merges it and a Dockerfile a service builds is drawn once, beside
the service, instead of alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from linter import engine
from linter.context import BuildLink
from linter.dockerfile.ast import Dockerfile
from linter.graph.compose import add_project
from linter.graph.findings import attach
from linter.graph.model import Graph
from linter.graph.stages import StageGraph
from linter.project import discover, display_path, group_compose
from linter.records import replace


def build_graph(paths: Sequence[str], settings: engine.Settings,
                result: engine.RunResult | None = None) -> tuple[Graph, engine.RunResult]:
    """The graph of ``paths`` with the findings of ``result`` (a fresh run when None)."""
    registry = engine.prepare(settings).registry
    if result is None:
        result = engine.run(paths, settings)
    cwd = Path(settings.cwd)
    sources, _missing = discover(paths, settings.exclude, Path(settings.config_root),
                                 settings.kind)
    graph = Graph()
    drawn: dict[Path, StageGraph] = {}
    standalone: set[Path] = set()
    cache: dict[Path, Dockerfile | None] = {}

    def stage_graph(dockerfile: Dockerfile, path: Path) -> StageGraph:
        key = path.resolve()
        found = drawn.get(key)
        if found is None:
            shown = display_path(path, cwd)
            found = StageGraph(graph, replace(dockerfile, path=shown), shown)
            drawn[key] = found
        return found

    for source, overrides in group_compose(sources):
        shown = display_path(source.path, cwd)
        project = engine.load_compose(source.path, shown, overrides, validate=False)
        links = engine.build_links(project, cache) if project.root is not None else []

        def link_stage(link: BuildLink, target: str | None) -> str | None:
            if link.remote or link.dockerfile is None:
                return None
            return stage_graph(link.dockerfile, link.dockerfile_path).stage_for(
                target, link.service.name)

        add_project(graph, project, links, link_stage)
    for source in sources:
        if source.kind != "dockerfile":
            continue
        key = source.path.resolve()
        standalone.add(key)
        if key in drawn:
            continue
        parsed, _text = engine.parse_dockerfile_file(source.path, display_path(source.path, cwd))
        if any(error.kind == "unreadable" for error in parsed.errors):
            continue
        stage_graph(parsed, source.path)
    for key, stages in drawn.items():
        stages.finish(standalone=key in standalone)
    isolation = {code for code, rule in registry.rules.items()
                 if rule.category == "network-isolation"}
    attach(graph, result.diagnostics, isolation)
    return graph, result


def render(graph: Graph, output_format: str, tool_version: str) -> str:
    if output_format == "dot":
        from linter.graph import dot

        return dot.render(graph)
    if output_format == "json":
        from linter.graph import json_format

        return json_format.render(graph, tool_version)
    from linter.graph import mermaid

    return mermaid.render(graph)
