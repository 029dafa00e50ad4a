"""What is being linted: discovering files and telling their kinds apart.

Reading them into syntax trees, and following the build links from compose services to
their Dockerfiles, is :mod:`linter.loading`'s job.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Literal

from linter.dockerfile.ast import INSTRUCTIONS
from linter.patterns import lazy_compile
from linter.records import record, replace

Kind = Literal["dockerfile", "compose"]

_DOCKERFILE_NAME = re.compile(
    r"^((Dockerfile|Containerfile)([.-][^/]*)?"
    r"|[^/]+\.(Dockerfile|dockerfile|containerfile|Containerfile))$"
)
_COMPOSE_NAME = re.compile(r"^(docker-)?compose([.-][^/]*)?\.ya?ml$")
_OVERRIDE_NAME = lazy_compile(r"^(docker-)?compose\.override\.ya?ml$")
MAIN_COMPOSE_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", ".tox", ".mypy_cache"}
_NOT_DOCKERFILE_SUFFIXES = (".dockerignore", ".md", ".txt", ".yml", ".yaml", ".json", ".sh")
# Generator templates (docker-library's jq `{{ }}`, nextcloud's `%%VAR%%`, Jinja, ERB, autoconf):
# their text becomes a Dockerfile only after rendering, so folder discovery leaves them out.
# A template named on the command line is still linted.
_TEMPLATE_SUFFIXES = (
    ".template",
    ".tmpl",
    ".tpl",
    ".j2",
    ".jinja",
    ".jinja2",
    ".in",
    ".erb",
    ".mustache",
)


def classify(name: str) -> Kind | None:
    """The kind of a file from its name alone, or None when it is neither."""
    if _COMPOSE_NAME.match(name):
        return "compose"
    if _DOCKERFILE_NAME.match(name) and not name.endswith(_NOT_DOCKERFILE_SUFFIXES):
        return "dockerfile"
    return None


_SNIFF_BYTES = 64 * 1024


@record
class Sniffed:
    """What the content of a file whose name says nothing looks like."""

    kind: Kind | None  # None: neither a Dockerfile nor a compose file
    message: str = ""  # when ``kind`` is None: what the file is and what was expected
    yaml: bool = False  # when ``kind`` is None: the file is a YAML mapping (or named .y(a)ml)


def _first_instruction_word(text: str) -> str | None:
    for raw in text.lstrip("\ufeff").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        return line.split(None, 1)[0]
    return None


def _yaml_top_level(text: str) -> dict[str, list[str] | None] | None:
    """The top-level keys of a YAML mapping (of every document, as compose merges them),
    each with its value's keys; None when the text is not YAML or not mappings."""
    import yaml

    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = loader_class(text)
    keys: dict[str, list[str] | None] = {}
    try:
        while loader.check_node():
            node = loader.get_node()
            if not isinstance(node, yaml.MappingNode):
                return None
            for key, value in node.value:
                if not isinstance(key, yaml.ScalarNode):
                    return None
                inner = None
                if isinstance(value, yaml.MappingNode):
                    inner = [str(k.value) for k, _ in value.value if isinstance(k, yaml.ScalarNode)]
                keys[str(key.value)] = inner
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()
    return keys or None


def sniff(text: str, name: str = "") -> Sniffed:
    """The kind of a file by its content: a Dockerfile when its first instruction is one, a
    compose file when it is a YAML mapping with compose's top-level keys (or the legacy
    layout); otherwise a message saying what it is and what was expected."""
    word = _first_instruction_word(text[:_SNIFF_BYTES])
    if word is None:
        return Sniffed(
            None,
            "the file is empty (or only comments): it is neither a Dockerfile nor a compose file",
            yaml=name.endswith((".yml", ".yaml")),
        )
    if word.upper() in INSTRUCTIONS:
        return Sniffed("dockerfile")
    keys = None
    if len(text) <= 4 * _SNIFF_BYTES:
        try:
            keys = _yaml_top_level(text)
        except Exception:  # the sniffer must never stop a run: unknown content is neither
            keys = None
    if keys is not None:
        from linter.compose.layout import foreign_keys, legacy_services

        foreign = foreign_keys(keys)
        if (keys and not foreign) or legacy_services(keys):
            return Sniffed("compose")
        listed = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "")
        if "jobs" in keys and ("on" in keys or "true" in keys or "True" in keys):
            what = "a GitHub Actions workflow"
        elif "apiVersion" in keys and "kind" in keys:
            what = "a Kubernetes manifest"
        else:
            return Sniffed(
                None,
                "this YAML file is not a compose file: its top-level keys "
                f"({listed}) are not compose's (services, networks, volumes, ...); "
                "pass --kind compose if it is one",
                yaml=True,
            )
        return Sniffed(
            None,
            f"this is {what} (top-level keys {listed}), neither a compose file "
            "nor a Dockerfile: shiplint has nothing to check in it",
            yaml=True,
        )
    if name.endswith((".yml", ".yaml")):
        return Sniffed(
            None,
            "this YAML file is not a compose file: it is not a YAML mapping "
            "(a list, a template, or invalid YAML); pass --kind compose if it is one",
            yaml=True,
        )
    shown = word if len(word) <= 30 else word[:27] + "..."
    return Sniffed(
        None,
        f"the file is neither a Dockerfile (its first word {shown!r} is not a "
        "Dockerfile instruction) nor a compose file (a YAML mapping with "
        "`services:`); pass --kind if it is one of them",
        yaml=name.endswith((".yml", ".yaml")),
    )


def is_template(name: str) -> bool:
    """A generator template (``Dockerfile.template``, ``Dockerfile.j2``...), not a file to lint
    when met in a folder."""
    return name.lower().endswith(_TEMPLATE_SUFFIXES)


def is_override(name: str) -> bool:
    return bool(_OVERRIDE_NAME.match(name))


@record
class SourceFile:
    path: Path  # as given or found (may be relative)
    kind: Kind
    explicit: bool = False  # named on the command line rather than found in a folder
    mismatch: str | None = None  # named explicitly but neither kind: why (one finding)
    # The absolute path with symlinks resolved, computed once by ``discover``: resolving
    # costs a system call per path component, and a run needs it three times per file.
    resolved: Path | None = None


class _GitIgnore:
    """The .gitignore files met while walking, each applied to its own folder."""

    def __init__(self) -> None:
        self._specs: list[tuple[Path, object]] = []

    def add(self, folder: Path) -> None:
        ignore_file = folder / ".gitignore"
        if not ignore_file.is_file():
            return
        try:
            import pathspec

            lines = ignore_file.read_text(encoding="utf-8", errors="replace").splitlines()
            spec = pathspec.GitIgnoreSpec.from_lines(lines)
            self._specs.append((Path(os.path.abspath(folder)), spec))
        except (OSError, ValueError):
            return

    def ignored(self, path: Path, is_dir: bool) -> bool:
        absolute = Path(os.path.abspath(path))
        for folder, spec in self._specs:
            try:
                relative = absolute.relative_to(folder).as_posix()
            except ValueError:
                continue
            if is_dir:
                relative += "/"
            if spec.match_file(relative):  # type: ignore[attr-defined]
                return True
        return False


def _excluded(path: Path, patterns: Sequence[str], root: Path) -> bool:
    if not patterns:
        return False
    try:
        relative = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        relative = path.as_posix()
    parts = relative.split("/")
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(relative, pattern + "/*"):
            return True
        if "/" not in pattern and any(fnmatch.fnmatch(part, pattern) for part in parts):
            return True
    return False


def walk(folder: Path, exclude: Sequence[str], root: Path) -> Iterator[SourceFile]:
    """Dockerfiles and compose files under ``folder``, skipping VCS dirs and .gitignored paths."""
    gitignore = _GitIgnore()
    resolved = Path(os.path.abspath(folder))
    chain = [resolved]
    for parent in resolved.parents:
        if (chain[-1] / ".git").exists():
            break
        chain.append(parent)
    if not (chain[-1] / ".git").exists():
        chain = [resolved]  # not in a repository: only the folder's own .gitignore counts
    for parent in reversed(chain):
        gitignore.add(parent)
    for current, dirs, files in os.walk(folder):
        current_path = Path(current)
        if Path(os.path.abspath(current_path)) != resolved:
            gitignore.add(current_path)
        kept = []
        for name in sorted(dirs):
            child = current_path / name
            if (
                name in SKIP_DIRS
                or gitignore.ignored(child, True)
                or _excluded(child, exclude, root)
            ):
                continue
            kept.append(name)
        dirs[:] = kept
        for name in sorted(files):
            kind = classify(name)
            if kind is None or is_template(name):
                continue
            child = current_path / name
            if gitignore.ignored(child, False) or _excluded(child, exclude, root):
                continue
            yield SourceFile(child, kind)


def discover(
    paths: Iterable[str], exclude: Sequence[str], root: Path, kind: Kind | None = None
) -> tuple[list[SourceFile], list[str]]:
    """Files to lint from the command-line paths, and the paths that do not exist."""
    found: list[SourceFile] = []
    missing: list[str] = []
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            # A folder named on the command line is linted even if the config excludes it
            # (as with `shiplint check examples/`); excludes still apply below it.
            patterns = [p for p in exclude if not _excluded(path, [p], root)]
            for source in walk(path, patterns, root):
                key = source.path.resolve()
                if key not in seen:
                    seen.add(key)
                    found.append(replace(source, resolved=key))
        elif path.exists():
            key = path.resolve()
            if key in seen:
                continue
            seen.add(key)
            found.append(replace(_explicit_file(path, kind), resolved=key))
        else:
            missing.append(raw)
    return found, missing


def _explicit_file(path: Path, kind: Kind | None) -> SourceFile:
    """A file named on the command line: its kind by ``--kind``, its name, or its content."""
    named = kind or classify(path.name)
    if named is not None:
        return SourceFile(path, named, True)
    from linter.source import SourceError, read_source

    try:
        text = read_source(path).text
    except SourceError:  # the lint itself reports why it cannot be read
        return SourceFile(path, "dockerfile", True)
    found = sniff(text, path.name)
    if found.kind is not None:
        return SourceFile(path, found.kind, True)
    return SourceFile(path, "compose" if found.yaml else "dockerfile", True, found.message)


def group_compose(files: Sequence[SourceFile]) -> list[tuple[SourceFile, list[Path] | None]]:
    """Compose projects: each main file with the override files found beside it.

    An override file found next to its main file is merged into that project instead of
    being linted alone; ``None`` as overrides means "the defaults beside the file".
    """
    compose = [f for f in files if f.kind == "compose"]
    mains = {f.path.parent.resolve() for f in compose if f.path.name in MAIN_COMPOSE_NAMES}
    projects: list[tuple[SourceFile, list[Path] | None]] = []
    for source in compose:
        if (
            is_override(source.path.name)
            and source.path.parent.resolve() in mains
            and not source.explicit
        ):
            continue
        if is_override(source.path.name):
            projects.append((source, []))
        else:
            projects.append((source, None))
    return projects


def display_path(path: Path, cwd: Path, resolved: Path | None = None) -> str:
    """A path relative to the working directory when inside it, with forward slashes.

    ``resolved`` is ``path`` already resolved (by ``discover``), saving the system calls.
    """
    absolute = resolved or path.resolve()
    try:
        return absolute.relative_to(_resolved_folder(cwd)).as_posix()
    except ValueError:
        return absolute.as_posix() if path.is_absolute() else path.as_posix()


@lru_cache(maxsize=8)
def _resolved_folder(folder: Path) -> Path:
    """The working directory resolved once per run rather than once per file."""
    return folder.resolve()
