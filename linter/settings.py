"""Engine settings from the configuration in force and the caller's choices.

The command line and the language server build their settings here, so the server needs no
parsed command line (and no ``os.chdir``) to lint a document as ``shiplint check`` would.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from linter.diagnostics import Severity

if TYPE_CHECKING:
    from linter.config import Config
    from linter.engine import Settings
    from linter.project import Kind
    from linter.registry import Registry


class SettingsError(ValueError):
    """A choice the caller made cannot be used (the message says which)."""


def parse_severities(items: Iterable[str]) -> list[tuple[str, Severity]]:
    """``CODE=LEVEL`` overrides (``--severity``) as pairs."""
    pairs = []
    for item in items:
        code, sep, level = item.partition("=")
        if not sep:
            raise SettingsError(f"--severity expects CODE=LEVEL, got {item!r}")
        try:
            pairs.append((code.strip(), Severity.parse(level)))
        except ValueError as error:
            raise SettingsError(f"--severity {item}: {error}") from None
    return pairs


def settings_from(
    config: Config,
    registry: Registry,
    *,
    cwd: str,
    select: Sequence[str] = (),
    extend_select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    severity: Sequence[str] = (),
    context: str | None = None,
    kind: Kind | None = None,
    jobs: int | None = None,
    shellcheck: bool = False,
) -> Settings:
    """The engine settings for ``config`` and the caller's choices, which come on top of it:
    ``select`` replaces the configured selection, the others add to it."""
    from linter.engine import Settings
    from linter.peers import effective

    configured_extend, configured_ignore, overrides = effective(config, registry)
    overrides = [*overrides, *parse_severities(severity)]
    chosen = list(select) or config.select
    options: dict[str, Any] = {
        "trusted_registries": tuple(config.trusted_registries),
        "label_schema": tuple(sorted(config.label_schema.items())),
        "strict_labels": config.strict_labels,
        "shellcheck": bool(shellcheck or config.shellcheck),
    }
    return Settings(
        cwd=cwd,
        config_root=str(config.root),
        select=tuple(chosen) if chosen is not None else None,
        extend_select=tuple([*configured_extend, *extend_select]),
        ignore=tuple([*configured_ignore, *ignore]),
        per_file_ignores=tuple((k, tuple(v)) for k, v in config.per_file_ignores.items()),
        severity=tuple(overrides),
        exclude=tuple(config.exclude),
        options=tuple(sorted(options.items())),
        disable_ignore_pragma=config.disable_ignore_pragma,
        build_context=context,
        kind=kind,
        jobs=jobs if jobs is not None else config.jobs,
    )
