"""The registry of output formats.

Built-in formats live in one module each and are imported lazily, so picking ``concise`` never
pays for the XML or SARIF code. Plugins add formats with :func:`register_reporter` (the engine
calls it for each entry of the ``shiplint_reporters`` hook) or per call through ``extra``.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping

from linter.reporters.base import ReportContext, Reporter

__all__ = [
    "BUILTIN_FORMATS",
    "ReportContext",
    "Reporter",
    "available_formats",
    "get_reporter",
    "register_reporter",
]

BUILTIN_FORMATS: tuple[str, ...] = (
    "full",
    "concise",
    "json",
    "sarif",
    "github",
    "gitlab",
    "checkstyle",
    "junit",
    "markdown",
)

# Format name -> module under linter.reporters (json would shadow the standard library).
_MODULES: dict[str, str] = {name: name for name in BUILTIN_FORMATS}
_MODULES["json"] = "json_format"

_registered: dict[str, Reporter] = {}


def register_reporter(name: str, render: Reporter) -> None:
    """Add a format from a plugin; a built-in name cannot be taken over."""
    if name in BUILTIN_FORMATS:
        raise ValueError(f"output format {name!r} is built in and cannot be replaced")
    if not callable(render):
        raise TypeError(f"reporter for format {name!r} is not callable")
    _registered[name] = render


def available_formats(extra: Mapping[str, Reporter] | None = None) -> tuple[str, ...]:
    """Every format name the CLI may accept: built-ins first, then plugins, sorted."""
    plugins = set(_registered) | set(extra or {})
    return BUILTIN_FORMATS + tuple(sorted(plugins - set(BUILTIN_FORMATS)))


def get_reporter(name: str, extra: Mapping[str, Reporter] | None = None) -> Reporter:
    """The render function of format ``name``; raises ValueError naming the known formats."""
    module_name = _MODULES.get(name)
    if module_name is not None:
        module = importlib.import_module(f"linter.reporters.{module_name}")
        render: Reporter = module.render
        return render
    if extra is not None and name in extra:
        return extra[name]
    if name in _registered:
        return _registered[name]
    from linter.suggest import did_you_mean

    formats = available_formats(extra)
    raise ValueError(
        f"unknown output format {name!r}{did_you_mean(name, formats)} "
        f"(expected one of {', '.join(formats)})"
    )
