"""``shiplint migrate``: write the ``.shiplint.toml`` that a project's peer files amount to.

The peers' files (``.hadolint.yaml``, dclint's ``.dclintrc``..., ``.compose-lint.yml``) are
read exactly as ``shiplint check`` reads them when no shiplint configuration exists; the
resulting selection, severities and settings are written in shiplint's own terms, with a
comment for every setting that has no equivalent. The file is checked before it is written:
loaded back, it must select the same rules with the same severities, or nothing is written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from linter.config import Config, ConfigError, load_config_file
from linter.diagnostics import Severity
from linter.peers import (
    HADOLINT_OUTPUT_KEYS,
    PEERS,
    find_peer_files,
    peer_of,
    shown,
    unmapped_note,
)
from linter.registry import Registry, is_subcode, select_rules

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
# hadolint's --format names and shiplint's nearest format.
HADOLINT_FORMATS = {
    "tty": "full",
    "json": "json",
    "checkstyle": "checkstyle",
    "gitlab_codeclimate": "gitlab",
    "sarif": "sarif",
    "junit": "junit",
    "gnu": "concise",
}


class MigrateError(Exception):
    """Nothing to migrate, or the target exists: exit code 2 with this message."""


def _string(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(value, ensure_ascii=False)


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else _string(key)


def _array(name: str, items: Sequence[tuple[str, str]]) -> list[str]:
    """``name = [...]`` one item a line, each with an optional comment."""
    if not items:
        return []
    lines = [f"{name} = ["]
    for value, comment in items:
        lines.append(f"  {_string(value)},{f'  # {comment}' if comment else ''}")
    lines.append("]")
    return lines


def _levels(
    registry: Registry,
    pairs: Iterable[tuple[str, Severity]],
) -> dict[str, tuple[Severity, str]]:
    """The severity each code (or ShellCheck subcode) ends with, and the key that set it."""
    levels: dict[str, tuple[Severity, str]] = {}
    for key, level in pairs:
        if is_subcode(key):
            levels[key.upper()] = (level, key)
            continue
        for code in registry.expand(key):
            levels[code] = (level, key)
    return levels


def selection_of(config: Config, registry: Registry) -> tuple[frozenset[str], dict[str, Severity]]:
    """The rules a configuration turns on and the severity of each that differs from the
    rule's own: what two equivalent configurations must agree on."""
    from linter.peers import effective

    extend, ignore, severity = effective(config, registry)
    selection = select_rules(registry, config.select, extend, ignore)
    levels = {
        code: level
        for code, (level, _) in _levels(registry, severity).items()
        if code in selection.enabled or is_subcode(code)
    }
    return selection.enabled | {f"-{code}" for code in selection.ignored_subcodes}, {
        code: level
        for code, level in levels.items()
        if is_subcode(code) or level != registry.rules[code].severity
    }


def render(config: Config, registry: Registry) -> str:
    """The ``.shiplint.toml`` text equivalent to ``config`` (read from peer files)."""
    from linter.peers import effective

    registry.ensure()
    extend, ignore, severity = effective(config, registry)
    enabled = select_rules(registry, config.select, extend, ignore).enabled
    default = {code for code, rule in registry.rules.items() if rule.enabled_by_default}
    spelled: dict[str, str] = {}  # code -> the peer's name for it, as the file wrote it
    for key in extend:
        for code in registry.expand(key):
            spelled.setdefault(code, key)
    names = ", ".join(shown(path) for path in config.sources)
    lines = [
        f"# Written by `shiplint migrate` from {names}.",
        "# It selects what those files selected; shiplint reads it instead of them.",
        "",
    ]
    lines += _array(
        "extend-select",
        [
            (
                spelled.get(code, code),
                f"{code} {registry.rules[code].name}, on in "
                f"{_peer_named(config, spelled.get(code, code))}",
            )
            for code in sorted(enabled - default)
        ],
    )
    written_ignore: list[tuple[str, str]] = []
    for key in dict.fromkeys(ignore):
        codes = set() if is_subcode(key) else registry.expand(key)
        comment = ", ".join(sorted(codes)) if codes and codes != {key.upper()} else ""
        written_ignore.append((key, comment))
    lines += _array("ignore", written_ignore)
    lines += _array("exclude", [(pattern, "") for pattern in config.exclude])
    if config.no_fail:
        lines.append('fail-level = "none"')
    elif config.fail_level is not None:
        lines.append(f"fail-level = {_string(config.fail_level.value)}")
    lines += _array("trusted-registries", [(r, "") for r in config.trusted_registries])
    if config.strict_labels:
        lines.append("strict-labels = true")
    if config.disable_ignore_pragma:
        lines.append("disable-ignore-pragma = true")
    levels = _levels(registry, severity)
    changed = [
        (code, level, key)
        for code, (level, key) in sorted(levels.items())
        if is_subcode(code) or (code in enabled and level != registry.rules[code].severity)
    ]
    if changed:
        lines += ["", "[severity]  # the peers' severities, where they differ from shiplint's"]
        for code, level, key in changed:
            rule = registry.rules.get(code)
            comment = f"{rule.name}, {key} in {_peer_named(config, key)}" if rule else key
            lines.append(f"{_key(code)} = {_string(level.value)}  # {comment}")
    if config.label_schema:
        lines += ["", "[label-schema]"]
        lines += [f"{_key(label)} = {_string(kind)}" for label, kind in config.label_schema.items()]
    unmapped = _unmapped_comments(config)
    if unmapped:
        lines += ["", "# Not carried over:"]
        lines += ["# - " + " ".join(line.split()) for line in unmapped]  # one line each
    return "\n".join(lines) + "\n"


def _peer_named(config: Config, key: str) -> str:
    return config.peer_keys.get(key, "the peer's defaults")


def _unmapped_comments(config: Config) -> list[str]:
    comments = list(config.notes)  # codes left out (retired or unknown)
    for path, key, value in config.peer_unmapped:
        if key in ("format", "formats"):
            values = value if isinstance(value, list) else [value]
            formats = [HADOLINT_FORMATS.get(str(v)) for v in values]
            hint = ", ".join(f"--format {f}" for f in formats if f) or "see --help"
            comments.append(f"{shown(path)}: {key}: {value} ({hint})")
        elif key in HADOLINT_OUTPUT_KEYS:
            comments.append(
                f"{shown(path)}: {key}: {json.dumps(value)} (an output setting: "
                "use NO_COLOR or --quiet)"
            )
        else:
            comments.append(f"{unmapped_note(path, key)}: {json.dumps(value)}")
    return comments


def peer_config(sources: Sequence[Path], peers: Sequence[str], start: Path) -> Config:
    """The configuration the peer files amount to: those given, else those found from
    ``start`` the way ``shiplint check`` finds them."""
    from linter.config import load_peer_files

    files: dict[str, Path] = {}
    if sources:
        for path in sources:
            peer = peer_of(path)
            if peer is None:
                raise MigrateError(
                    f"{path}: not a hadolint, dclint or compose-lint configuration file"
                )
            if not path.is_file():
                raise MigrateError(f"{path}: no such file")
            files[peer] = path
    else:
        files = find_peer_files(start.resolve())
    if peers:
        files = {peer: path for peer, path in files.items() if peer in peers}
    if not files:
        names = list(peers or PEERS)
        wanted = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
        raise MigrateError(
            f"no {wanted} configuration file found from {shown(start)} "
            "upwards (give one with --config)"
        )
    return load_peer_files({peer: files[peer] for peer in PEERS if peer in files}, start)


def migrate(
    sources: Sequence[str],
    peers: Sequence[str],
    output: str | None,
    to_stdout: bool,
    force: bool,
    registry: Registry,
    start: Path,
) -> tuple[str, str | None]:
    """Render the migrated configuration; write it unless ``to_stdout``.

    Returns the text and the path written (None for stdout).
    """
    config = peer_config([Path(s) for s in sources], peers, start)
    text = render(config, registry)
    target = None if to_stdout else Path(output or ".shiplint.toml")
    if target is not None and target.exists() and not force:
        raise MigrateError(
            f"{target} exists; use --force to overwrite it or --stdout to see the result"
        )
    _check_equivalent(config, text, registry)
    if target is not None:
        try:
            target.write_text(text, encoding="utf-8")
        except OSError as error:
            raise MigrateError(f"{target}: {error.strerror}") from None
    return text, None if target is None else str(target)


def _check_equivalent(config: Config, text: str, registry: Registry) -> None:
    """The written file must select what the peer files selected: a safety net."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, ".shiplint.toml")
        path.write_text(text, encoding="utf-8")
        try:
            migrated = load_config_file(path, "shiplint")
        except ConfigError as error:  # pragma: no cover - a bug of ours
            raise MigrateError(f"the migrated configuration does not load: {error}") from None
    if selection_of(migrated, registry) != selection_of(config, registry):
        raise MigrateError(
            "internal error: the migrated configuration would select other "
            "rules than the peer files; nothing was written (please report it)"
        )
    for field in (
        "fail_level",
        "no_fail",
        "trusted_registries",
        "label_schema",
        "strict_labels",
        "disable_ignore_pragma",
        "exclude",
    ):
        if getattr(migrated, field) != getattr(config, field):
            raise MigrateError(
                f"internal error: {field} differs after migration; nothing "
                "was written (please report it)"
            )
