"""Configuration files: finding them, reading them and checking every key.

shiplint reads ``.shiplint.toml``, ``.shiplint.yaml``/``.yml`` or ``[tool.shiplint]`` in
``pyproject.toml``, searched from the working directory upwards. When none exists, the peers'
files (``.hadolint.yaml``, dclint's ``.dclintrc`` and friends, ``.compose-lint.yml``) are read
instead (``linter.peers``), so their users can switch without changing anything.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from linter.diagnostics import Severity
from linter.records import field, record

SHIPLINT_FILES = (".shiplint.toml", ".shiplint.yaml", ".shiplint.yml")

# key -> expected Python type(s), for error messages
_LIST = "list of strings"
SHIPLINT_KEYS: dict[str, str] = {
    "select": _LIST,
    "extend-select": _LIST,
    "ignore": _LIST,
    "exclude": _LIST,
    "extend-exclude": _LIST,
    "per-file-ignores": "table of glob -> list of codes",
    "severity": "table of code -> severity",
    "fail-level": "severity or none",
    "format": "string",
    "trusted-registries": _LIST,
    "label-schema": "table of label -> type",
    "strict-labels": "boolean",
    "shellcheck": "boolean",
    "disable-ignore-pragma": "boolean",
    "jobs": "integer",
}
LABEL_TYPES = {"text", "url", "semver", "hash", "rfc3339", "spdx", "email"}


class ConfigError(Exception):
    """A configuration file is invalid; the message names the file and the key."""


@record(frozen=False)
class Config:
    path: Path | None = None  # the file it came from, None for defaults
    root: Path = field(default_factory=Path.cwd)  # paths in the config are relative to this
    select: list[str] | None = None
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    severity: dict[str, Severity] = field(default_factory=dict)
    fail_level: Severity | None = None  # None: info, like hadolint
    no_fail: bool = False
    format: str | None = None
    trusted_registries: list[str] = field(default_factory=list)
    label_schema: dict[str, str] = field(default_factory=dict)
    strict_labels: bool = False
    shellcheck: bool = False
    disable_ignore_pragma: bool = False
    jobs: int | None = None
    origin: str = "shiplint"  # or the first peer whose file is read: "hadolint", "dclint"...
    # Peer files: the peers whose default rule sets are on, the files read, which peer wrote
    # each code (unknown hadolint/compose-lint codes are dropped with a note, as those tools
    # ignore them), settings with no shiplint equivalent, and notes for stderr.
    profiles: list[str] = field(default_factory=list)
    sources: list[Path] = field(default_factory=list)
    peer_keys: dict[str, str] = field(default_factory=dict)
    peer_unmapped: list[tuple[Path, str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def where(self, key: str) -> str:
        return f"{self.path}: {key}" if self.path else key


def _load_toml(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, ValueError) as error:
        raise ConfigError(f"{path}: cannot read TOML: {error}") from None


def _load_yaml(path: Path) -> Any:
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
        return yaml.safe_load(text) if text.strip() else {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ConfigError(f"{path}: cannot read YAML: {error}") from None


def find_config_file(start: Path) -> tuple[Path, str] | None:
    """The nearest shiplint config from ``start`` up, as (path, "shiplint"), or None."""
    start = start.resolve()
    for folder in (start, *start.parents):
        for name in SHIPLINT_FILES:
            if (folder / name).is_file():
                return folder / name, "shiplint"
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "shiplint" in _load_toml(pyproject).get("tool", {}):
            return pyproject, "shiplint"
    return None


def ignored_peer_files(start: Path, config_path: Path) -> list[Path]:
    """Peer configuration files between ``start`` and the shiplint config's folder: they would
    have been read without it, so the user is told they are not."""
    from linter.peers import peer_files_in

    start = start.resolve()
    top = config_path.resolve().parent
    found: list[Path] = []
    for folder in (start, *start.parents):
        found += peer_files_in(folder).values()
        if folder == top:
            break
    return found


def load_peer_files(files: Mapping[str, Path], root: Path) -> Config:
    """One configuration from the peers' files (hadolint, dclint, compose-lint)."""
    from linter.peers import APPLY

    first = next(iter(files.values()))
    config = Config(path=first, root=root, origin=next(iter(files)))
    for peer, path in files.items():
        APPLY[peer](config, path)
    return config


def load_config_file(path: Path, kind: str | None = None) -> Config:
    """Read one config file: shiplint's, or a peer's (told by ``kind`` or by its name)."""
    from linter.peers import peer_of

    if not path.is_file():
        raise ConfigError(f"{path}: no such configuration file")
    if kind is None:
        kind = peer_of(path) or "shiplint"
    if kind != "shiplint":
        return load_peer_files({kind: path}, path.parent)
    if path.suffix == ".toml":
        data = _load_toml(path)
        if path.name == "pyproject.toml":
            data = data.get("tool", {}).get("shiplint", {})
    else:
        data = _load_yaml(path)
        data = {} if data is None else data
    return _from_shiplint(path, data)


def _string_list(config: Config, key: str, value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{config.where(key)}: expected a list of strings")
    return list(value)


def _severity(config: Config, key: str, value: Any) -> Severity:
    try:
        return Severity.parse(str(value))
    except ValueError as error:
        raise ConfigError(f"{config.where(key)}: {error}") from None


def _boolean(config: Config, key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{config.where(key)}: expected true or false")
    return value


def _label_schema(config: Config, key: str, value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise ConfigError(f"{config.where(key)}: expected a table of label -> type")
    schema = {}
    for label, kind in value.items():
        if str(kind) not in LABEL_TYPES:
            allowed = ", ".join(sorted(LABEL_TYPES))
            raise ConfigError(
                f"{config.where(f'{key}.{label}')}: unknown label type {kind!r} "
                f"(expected one of {allowed})"
            )
        schema[str(label)] = str(kind)
    return schema


def _from_shiplint(path: Path, data: Any) -> Config:
    config = Config(path=path, root=path.parent)
    if not isinstance(data, Mapping):
        raise ConfigError(f"{path}: expected a table of settings at the top level")
    for key, value in data.items():
        if key not in SHIPLINT_KEYS:
            from linter.suggest import did_you_mean

            known = ", ".join(sorted(SHIPLINT_KEYS))
            raise ConfigError(
                f"{config.where(str(key))}: unknown key"
                f"{did_you_mean(str(key).replace('_', '-'), SHIPLINT_KEYS)} "
                f"(known keys: {known})"
            )
        if key == "select":
            config.select = _string_list(config, key, value)
        elif key == "extend-select":
            config.extend_select = _string_list(config, key, value)
        elif key == "ignore":
            config.ignore = _string_list(config, key, value)
        elif key in ("exclude", "extend-exclude"):
            config.exclude += _string_list(config, key, value)
        elif key == "per-file-ignores":
            if not isinstance(value, Mapping):
                raise ConfigError(f"{config.where(key)}: expected a table of glob -> codes")
            for pattern, codes in value.items():
                config.per_file_ignores[str(pattern)] = _string_list(
                    config, f"{key}.{pattern}", codes
                )
        elif key == "severity":
            if not isinstance(value, Mapping):
                raise ConfigError(f"{config.where(key)}: expected a table of code -> severity")
            for code, level in value.items():
                config.severity[str(code)] = _severity(config, f"{key}.{code}", level)
        elif key == "fail-level":
            if str(value).lower() == "none":  # hadolint's failure-threshold: none
                config.no_fail = True
            else:
                config.fail_level = _severity(config, key, value)
        elif key == "format":
            if not isinstance(value, str):
                raise ConfigError(f"{config.where(key)}: expected a string")
            config.format = value
        elif key == "trusted-registries":
            config.trusted_registries = _string_list(config, key, value)
        elif key == "label-schema":
            config.label_schema = _label_schema(config, key, value)
        elif key == "strict-labels":
            config.strict_labels = _boolean(config, key, value)
        elif key == "shellcheck":
            config.shellcheck = _boolean(config, key, value)
        elif key == "disable-ignore-pragma":
            config.disable_ignore_pragma = _boolean(config, key, value)
        elif key == "jobs":
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"{config.where(key)}: expected a positive integer")
            config.jobs = value
    return config


def load_config(explicit: Path | None, start: Path, use_files: bool = True) -> Config:
    """The configuration in force: ``--config FILE``, else the nearest shiplint file, else the
    peers' files, else defaults."""
    if explicit is not None:
        return load_config_file(explicit)
    if not use_files:
        return Config(root=start)
    found = find_config_file(start)
    if found is not None:
        config = load_config_file(*found)
        for peer_file in ignored_peer_files(start, found[0]):
            config.notes.append(
                f"{_shown(peer_file, start)} is ignored: "
                f"{_shown(found[0], start)} is the configuration in force"
            )
        return config
    from linter.peers import find_peer_files

    files = find_peer_files(start.resolve())
    if not files:
        return Config(root=start)
    return load_peer_files(files, start)


def _shown(path: Path, start: Path) -> str:
    """A path as the user would type it from the working directory."""
    try:
        return os.path.relpath(path, start)
    except ValueError:
        return str(path)
