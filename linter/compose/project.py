"""A compose project: the main file, its override files, merged like ``docker compose config``."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence

from linter.compose.loader import load_compose_text
from linter.compose.merge import merge_mappings
from linter.compose.model import ComposeFile, ComposeProblem, ComposeProject, Service
from linter.compose.nodes import MappingNode
from linter.diagnostics import Span

ReadFile = Callable[[str], str]

# compose-go ``cli.DefaultOverrideFileNames``, in its order of preference.
OVERRIDE_NAMES = (
    "compose.override.yml",
    "compose.override.yaml",
    "docker-compose.override.yml",
    "docker-compose.override.yaml",
)
MAIN_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")

_FILE_START = Span.of(1, 1, 1, 1)


def read_text(path: str) -> str:
    """Read a file as compose does: UTF-8 (a BOM is dropped)."""
    with open(path, encoding="utf-8-sig") as handle:
        return handle.read()


def default_override_paths(main_path: str, read_file: ReadFile | None = None) -> list[str]:
    """The override file compose would add to ``main_path``: the first of
    ``OVERRIDE_NAMES`` that exists beside it, when the main file has a default name.

    compose adds overrides only to a file it found by its default name (no ``-f``).
    """
    if os.path.basename(main_path) not in MAIN_NAMES:
        return []
    folder = os.path.dirname(main_path)
    for name in OVERRIDE_NAMES:
        candidate = os.path.join(folder, name) if folder else name
        if read_file is None:
            if os.path.isfile(candidate):
                return [candidate]
            continue
        try:
            read_file(candidate)
        except (OSError, UnicodeDecodeError):
            continue
        return [candidate]
    return []


def _read(path: str, read_file: ReadFile) -> tuple[str | None, str]:
    try:
        return read_file(path), ""
    except FileNotFoundError:
        return None, "file not found"
    except UnicodeDecodeError:
        return None, "not UTF-8 text"
    except OSError as exc:
        return None, exc.strerror or str(exc)


def build_services(root: MappingNode | None) -> dict[str, Service]:
    """The ``services`` of a merged root, keyed by name; non-mapping entries are skipped."""
    services: dict[str, Service] = {}
    if root is None:
        return services
    section = root.get("services")
    if not isinstance(section, MappingNode):
        return services
    for pair in section.pairs:
        if isinstance(pair.value, MappingNode):
            name = pair.key.text
            services[name] = Service(name, pair.value, pair.key)
    return services


def load_project(
    main_path: str,
    *,
    override_paths: Sequence[str] | None = None,
    text: str | None = None,
    read_file: ReadFile | None = None,
    validate: bool = True,
    environment: Mapping[str, str] | None = None,
) -> ComposeProject:
    """Load, merge and check a compose project; never raises.

    ``environment`` is the variables to interpolate with on top of ``.env`` (the process
    environment is never read, so linting is reproducible).
    """
    reader = read_file or read_text
    problems: list[ComposeProblem] = []
    files: list[ComposeFile] = []
    if text is None:
        text, why = _read(main_path, reader)
        if text is None:
            problem = ComposeProblem("reference", f"cannot read {main_path}: {why}", main_path,
                                     _FILE_START)
            return ComposeProject((ComposeFile(main_path, "", None, (problem,)),), None,
                                  problems=(problem,), project_dir=_folder(main_path))
    main = load_compose_text(text, main_path)
    files.append(main)
    problems.extend(main.problems)
    if override_paths is None:
        override_paths = default_override_paths(main_path, read_file)
    root = main.root
    for path in override_paths:
        content, why = _read(path, reader)
        if content is None:
            problems.append(ComposeProblem("reference", f"cannot read override file {path}: {why}",
                                           main_path, _FILE_START))
            continue
        override = load_compose_text(content, path)
        files.append(override)
        problems.extend(override.problems)
        if override.root is not None:
            root = override.root if root is None else merge_mappings(root, override.root)
    return ComposeProject(
        files=tuple(files),
        root=root,
        services=build_services(root),
        problems=tuple(problems),
        environment=dict(environment or {}),
        project_dir=_folder(main_path),
    )


def _folder(path: str) -> str:
    return os.path.dirname(path) or "."
