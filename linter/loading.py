"""Reading what is linted into syntax trees: a Dockerfile, a compose project, and the
build links between them.

A compose service with ``build:`` links the compose file to a Dockerfile and its context
folder; :func:`build_links` follows those links and parses each Dockerfile once. A file that
cannot be read becomes an empty tree that carries why, so the engine reports it like any
other finding. The compose model is imported only when a compose file is loaded.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from linter.context import BuildLink
from linter.diagnostics import Span
from linter.dockerfile.ast import Dockerfile, ParseError
from linter.patterns import lazy_compile
from linter.source import SourceError, read_source

if TYPE_CHECKING:  # the compose model is imported when a compose file is loaded
    from linter.compose.model import ComposeProject
    from linter.compose.nodes import Node, ScalarNode

# ---------------------------------------------------------------------------- Dockerfiles


def unreadable_dockerfile(path: str, message: str) -> Dockerfile:
    """An empty syntax tree that carries why the file could not be read."""
    return Dockerfile.empty(path, "", ParseError("unreadable", message, Span.of(1, 1, 1, 1)))


def parse_dockerfile_file(
    path: Path, display: str, text: str | None = None
) -> tuple[Dockerfile, str | None]:
    """The syntax tree of a Dockerfile (read from ``path`` unless ``text`` is given) and its
    text; an unreadable file gives an empty tree that says why, and no text."""
    from linter.dockerfile.parser import parse_dockerfile

    if text is None:
        try:
            text = read_source(path).text
        except SourceError as error:
            return unreadable_dockerfile(display, str(error)), None
    return parse_dockerfile(text, display), text


# ---------------------------------------------------------------------------- compose


def unreadable_project(
    path: str, message: str, kind: str = "unreadable", source: str = ""
) -> ComposeProject:
    """A project with no services that carries one problem: why the file was not read."""
    from linter.compose.model import ComposeFile, ComposeProblem, ComposeProject

    problem = ComposeProblem(kind, message, path, Span.of(1, 1, 1, 1))
    return ComposeProject(
        files=(ComposeFile(path, source, None, (problem,)),), root=None, problems=(problem,)
    )


def load_compose(
    path: Path,
    display: str,
    overrides: list[Path] | None,
    text: str | None = None,
    validate: bool = True,
) -> ComposeProject:
    """A compose project from its main file (``text`` when given, as for an editor buffer)
    and ``overrides`` (None: the override files beside it), reading the files it names
    through the same decoding as every input."""
    from linter.compose.project import load_project

    if text is None:
        try:
            text = read_source(path).text
        except SourceError as error:
            return unreadable_project(display, str(error))
    override_paths = None if overrides is None else [p.as_posix() for p in overrides]

    def read_file(name: str) -> str:
        try:
            return read_source(Path(name)).text
        except SourceError as error:
            raise OSError(str(error)) from None

    return load_project(
        display,
        override_paths=override_paths,
        text=text.lstrip("\ufeff"),
        read_file=read_file,
        validate=validate,
    )


_REMOTE_CONTEXT = lazy_compile(r"^([a-z][a-z0-9+.-]*://|git@|github\.com/)", re.IGNORECASE)


def _scalar(node: Node | None) -> ScalarNode | None:
    from linter.compose.nodes import ScalarNode

    return node if isinstance(node, ScalarNode) and node.value is not None else None


def build_links(project: ComposeProject, cache: dict[Path, Dockerfile | None]) -> list[BuildLink]:
    """The Dockerfile each service with ``build:`` points at, parsed once."""
    from linter.compose.nodes import MappingNode

    links: list[BuildLink] = []
    for service in project.services.values():
        build = service.get("build")
        if build is None:
            continue
        context_node: Node | None = build
        dockerfile_node: Node | None = None
        if isinstance(build, MappingNode):
            if build.get("dockerfile_inline") is not None:
                continue
            context_node = build.get("context")
            dockerfile_node = build.get("dockerfile")
        context_scalar = _scalar(context_node)
        context_text = str(context_scalar.value) if context_scalar else "."
        base_dir = Path(context_node.path).parent if context_node else Path(service.path).parent
        dockerfile_known = _scalar(dockerfile_node)
        if (
            _REMOTE_CONTEXT.match(context_text)
            or (context_scalar and context_scalar.unknown)
            or (dockerfile_known and dockerfile_known.unknown)
        ):
            # A remote context, or one named by an unset variable: nothing on disk to check.
            links.append(
                BuildLink(
                    service,
                    Path(context_text),
                    Path(context_text),
                    None,
                    context_node,
                    dockerfile_node,
                    remote=True,
                )
            )
            continue
        context_dir = Path(os.path.normpath(base_dir / context_text))
        dockerfile_scalar = _scalar(dockerfile_node)
        dockerfile_text = str(dockerfile_scalar.value) if dockerfile_scalar else "Dockerfile"
        dockerfile_path = Path(os.path.normpath(context_dir / dockerfile_text))
        key = dockerfile_path.resolve()
        if key not in cache:
            parsed = None
            if dockerfile_path.is_file():
                parsed, _ = parse_dockerfile_file(dockerfile_path, dockerfile_path.as_posix())
                if any(error.kind == "unreadable" for error in parsed.errors):
                    parsed = None
            cache[key] = parsed
        links.append(
            BuildLink(
                service, context_dir, dockerfile_path, cache[key], context_node, dockerfile_node
            )
        )
    return links
