"""From paths to a graph: the same discovery, parsing and findings as ``shiplint check``.

The findings come from :func:`linter.engine.run` with the run's settings (configuration,
selection, severity overrides, suppressions). The structures come from the same loaders
(``discover``, ``group_compose``, ``load_compose``, ``build_links``), so a project
is merged as ``check`` merges it and a Dockerfile a service builds is drawn once, beside
the service, instead of alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from linter import engine
from linter.context import BuildLink
from linter.diagnostics import Diagnostic
from linter.dockerfile.ast import Dockerfile
from linter.graph.compose import add_project
from linter.graph.findings import attach
from linter.graph.model import Graph
from linter.graph.stages import StageGraph
from linter.project import display_path
from linter.records import replace


def build_graph(paths: Sequence[str], settings: engine.Settings) -> tuple[Graph, engine.RunResult]:
    """Lint ``paths`` as ``check`` does, keeping the parsed files, and draw them."""
    settings = replace(settings, keep_models=("dockerfile", "compose"))
    result = engine.run(paths, settings)
    return draw(result, settings, result.diagnostics, set(result.found_dockerfiles)), result


def draw(
    result: engine.RunResult,
    settings: engine.Settings,
    diagnostics: Sequence[Diagnostic],
    named: set[Path] | None = None,
) -> Graph:
    """The graph of a run made with ``Settings.keep_models``, with ``diagnostics`` on it.

    ``named`` are the Dockerfiles given or found as such: drawn on their own too, with their
    last stage as a build root. None draws only the compose projects and what they build.
    """
    registry = engine.prepare(settings).registry
    cwd = Path(settings.cwd)
    graph = Graph()
    drawn: dict[Path, StageGraph] = {}

    seen: dict[Path, Path] = {}  # as written -> resolved (resolving is a system call each)

    def stage_graph(dockerfile: Dockerfile, path: Path) -> StageGraph:
        key = seen.get(path)
        if key is None:
            key = seen[path] = path.resolve()
        found = drawn.get(key)
        if found is None:
            shown = display_path(path, cwd)
            found = StageGraph(graph, replace(dockerfile, path=shown), shown)
            drawn[key] = found
        return found

    def link_stage(link: BuildLink, target: str | None) -> str | None:
        if link.remote or link.dockerfile is None:
            return None
        return stage_graph(link.dockerfile, link.dockerfile_path).stage_for(
            target, link.service.name
        )

    for file_result in result.files:
        if isinstance(file_result.model, tuple):
            project, links = file_result.model
            add_project(graph, project, links, link_stage)
    for file_result in result.files if named is not None else ():
        model = file_result.model
        if isinstance(model, Dockerfile) and model.stages:
            stage_graph(model, Path(cwd, file_result.path))
    for key, stages in drawn.items():
        stages.finish(standalone=named is not None and key in named)
    isolation = {
        code for code, rule in registry.rules.items() if rule.category == "network-isolation"
    }
    attach(graph, diagnostics, isolation)
    return graph


# Mermaid refuses longer diagrams ("Maximum text size in diagram exceeded", its default
# maxTextSize, which GitHub keeps): a report would show an error box instead of the stack.
MERMAID_MAX_TEXT = 50_000


def topology_mermaid(
    result: engine.RunResult, settings: engine.Settings, diagnostics: Sequence[Diagnostic]
) -> str | None:
    """The compose stacks of a run as Mermaid (for the markdown report); None without one,
    or when the diagram is longer than Mermaid renders."""
    if not any(isinstance(r.model, tuple) for r in result.files):
        return None
    from linter.graph import mermaid

    text = mermaid.render(draw(result, settings, diagnostics))
    return text if len(text) <= MERMAID_MAX_TEXT else None


def render(graph: Graph, output_format: str, tool_version: str) -> str:
    if output_format == "dot":
        from linter.graph import dot

        return dot.render(graph)
    if output_format == "json":
        from linter.graph import json_format

        return json_format.render(graph, tool_version)
    from linter.graph import mermaid

    return mermaid.render(graph)
