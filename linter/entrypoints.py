"""Finding the plugins of the ``shiplint`` entry-point group, cheaply.

``importlib.metadata`` imports the ``email`` package and a zip reader (about 30 ms), which a
pre-commit hook pays on every commit. Entry points are plain ``entry_points.txt`` files in
``*.dist-info`` / ``*.egg-info`` folders on ``sys.path``, so we read those directly, with the
same precedence: the first distribution of a name on ``sys.path`` wins.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterable
from typing import Any

from linter.records import record


@record
class EntryPoint:
    name: str
    value: str  # "module" or "module:attribute"
    distribution: str

    def load(self) -> Any:
        module_name, _, attribute = self.value.partition(":")
        loaded: Any = importlib.import_module(module_name.strip())
        for part in attribute.strip().split(".") if attribute.strip() else ():
            loaded = getattr(loaded, part)
        return loaded


def _distribution_name(folder: str) -> str:
    stem = folder.rsplit(".", 1)[0]  # drop .dist-info / .egg-info
    name = stem.split("-", 1)[0]
    return name.lower().replace("_", "-").replace(".", "-")


def _parse(text: str, group: str, distribution: str) -> list[EntryPoint]:
    found: list[EntryPoint] = []
    in_group = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            in_group = line[1:-1].strip() == group
            continue
        if in_group and "=" in line:
            name, _, value = line.partition("=")
            found.append(EntryPoint(name.strip(), value.split("[", 1)[0].strip(), distribution))
    return found


def entry_points(group: str, paths: Iterable[str] | None = None) -> list[EntryPoint]:
    """Entry points of ``group`` from every distribution on ``paths`` (default sys.path)."""
    seen: set[str] = set()
    found: list[EntryPoint] = []
    for entry in sys.path if paths is None else paths:
        try:
            names = sorted(os.listdir(entry or "."))
        except OSError:
            continue
        for folder in names:
            if not folder.endswith((".dist-info", ".egg-info")):
                continue
            distribution = _distribution_name(folder)
            if distribution in seen:
                continue
            seen.add(distribution)
            path = os.path.join(entry or ".", folder, "entry_points.txt")
            try:
                with open(path, encoding="utf-8") as handle:
                    text = handle.read()
            except OSError:
                continue
            if f"[{group}]" in text:
                found.extend(_parse(text, group, distribution))
    return found
