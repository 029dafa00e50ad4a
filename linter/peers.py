"""The peers' configuration files: hadolint, dclint and compose-lint.

When a project has no shiplint configuration, the files its team wrote for hadolint, dclint or
compose-lint are read instead, so switching tools changes nothing and loses nothing: the
peer's own default rule set is on (through the rules' aliases), with the peer's severities,
and the file's ignores and overrides apply on top. Everything is expressed in alias names, so
this module needs no registry and ``shiplint migrate`` can write the same settings as a
``.shiplint.toml``.

Facts (hadolint 2.15.1 ``src/Hadolint/Rule/*.hs`` and ``Config/Configfile.hs``; dclint 3.1.0
with cosmiconfig 9; compose-lint 0.36.2 ``config.py``) are recorded in the tables below.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from linter.diagnostics import Severity

if TYPE_CHECKING:
    from linter.config import Config

E, W, N, S = Severity.ERROR, Severity.WARNING, Severity.INFO, Severity.STYLE  # N: info

# Every DL rule hadolint 2.15.1 has, with the severity its source gives it. hadolint runs all
# of them except the two it marks "ignore" (DL1001, DL3057); DL3026 and the label rules
# DL3049-DL3058 only act when trustedRegistries / label-schema are set.
HADOLINT_SEVERITY: dict[str, Severity] = {
    "DL3000": E,
    "DL3001": N,
    "DL3002": W,
    "DL3003": W,
    "DL3004": E,
    "DL3006": W,
    "DL3007": W,
    "DL3008": W,
    "DL3009": N,
    "DL3010": N,
    "DL3011": E,
    "DL3012": E,
    "DL3013": W,
    "DL3014": W,
    "DL3015": N,
    "DL3016": W,
    "DL3018": W,
    "DL3019": N,
    "DL3020": E,
    "DL3021": E,
    "DL3022": W,
    "DL3023": E,
    "DL3024": E,
    "DL3025": W,
    "DL3026": E,
    "DL3027": W,
    "DL3028": W,
    "DL3029": W,
    "DL3030": W,
    "DL3032": W,
    "DL3033": W,
    "DL3034": W,
    "DL3035": W,
    "DL3036": W,
    "DL3037": W,
    "DL3038": W,
    "DL3040": W,
    "DL3041": W,
    "DL3042": W,
    "DL3043": E,
    "DL3044": E,
    "DL3045": W,
    "DL3046": W,
    "DL3047": N,
    "DL3048": S,
    "DL3049": N,
    "DL3050": N,
    "DL3051": W,
    "DL3052": W,
    "DL3053": W,
    "DL3054": W,
    "DL3055": W,
    "DL3056": W,
    "DL3058": W,
    "DL3059": N,
    "DL3060": N,
    "DL3061": E,
    "DL3062": W,
    "DL3063": W,
    "DL3064": W,
    "DL3065": W,
    "DL3066": N,
    "DL3067": W,
    "DL4000": E,
    "DL4001": W,
    "DL4004": E,
    "DL4005": W,
    "DL4006": W,
    # DL4003 (warning) last: shiplint checks DL3012, DL4003 and DL4004 with one rule
    # (DF554), which takes the severity of the last alias named, and a repeated CMD is the
    # common case of the three.
    "DL4003": W,
}
HADOLINT_OFF = {"DL1001": N, "DL3057": N}  # hadolint's "ignore" severity: off by default

# dclint 3.1.0: every rule is on unless the config sets it to 0; its default type.
DCLINT_TYPE: dict[str, Severity] = {
    "no-build-and-image": E,
    "no-duplicate-container-names": E,
    "no-duplicate-exported-ports": E,
    "no-quotes-in-volumes": W,
    "no-unbound-port-interfaces": E,
    "no-version-field": E,
    "require-project-name-field": W,
    "require-quotes-in-ports": W,
    "service-container-name-regex": E,
    "service-dependencies-alphabetical-order": W,
    "service-image-require-explicit-tag": E,
    "service-keys-order": W,
    "service-ports-alphabetical-order": W,
    "services-alphabetical-order": W,
    "top-level-properties-order": W,
}
DCLINT_LEVELS = {1: W, 2: E}

# compose-lint's four levels, onto shiplint's (its default --fail-on is high).
COMPOSE_LINT_SEVERITY = {"critical": E, "high": E, "medium": W, "low": N}

HADOLINT_FILES = (".hadolint.yaml", ".hadolint.yml")
# cosmiconfig 9's search places for the module name "dclint", in its order.
DCLINT_FILES = (
    "package.json",
    ".dclintrc",
    ".dclintrc.json",
    ".dclintrc.yaml",
    ".dclintrc.yml",
    ".dclintrc.js",
    ".dclintrc.ts",
    ".dclintrc.cjs",
    ".config/dclintrc",
    ".config/dclintrc.json",
    ".config/dclintrc.yaml",
    ".config/dclintrc.yml",
    ".config/dclintrc.js",
    ".config/dclintrc.ts",
    ".config/dclintrc.cjs",
    "dclint.config.js",
    "dclint.config.ts",
    "dclint.config.cjs",
)
COMPOSE_LINT_FILES = (".compose-lint.yml", ".compose-lint.yaml")
PEERS = ("hadolint", "dclint", "compose-lint")
KIND_OF_PEER = {"hadolint": "dockerfile", "dclint": "compose", "compose-lint": "compose"}

# hadolint keys that only change its output; accepted and ignored (shiplint: --format,
# NO_COLOR, --quiet).
HADOLINT_OUTPUT_KEYS = {"format", "formats", "no-color", "verbose"}
HADOLINT_KEYS = {
    "ignored",
    "override",
    "trustedRegistries",
    "failure-threshold",
    "label-schema",
    "strict-labels",
    "no-fail",
    "disable-ignore-pragma",
    "require-labels",
    *HADOLINT_OUTPUT_KEYS,
}
DCLINT_KEYS = {"$schema", "rules", "quiet", "debug", "exclude"}


def hadolint_global_files() -> list[Path]:
    """The per-user places hadolint looks in after the working directory, in its order."""
    home = Path.home()
    xdg = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config")
    app = home / ".hadolint"
    return [
        xdg / "hadolint.yaml",
        xdg / "hadolint.yml",
        app / "hadolint.yaml",
        app / "hadolint.yml",
        app / "config.yaml",
        app / "config.yml",
        home / ".hadolint.yaml",
        home / ".hadolint.yml",
    ]


def peer_of(path: Path) -> str | None:
    """Which peer a configuration file belongs to, by its name; None for shiplint's."""
    name = path.name
    if "hadolint" in name or path.parent.name == ".hadolint":
        return "hadolint"
    if "compose-lint" in name:
        return "compose-lint"
    if "dclint" in name or name == "package.json":
        return "dclint"
    return None


def _has_dclint_key(path: Path) -> bool:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return isinstance(data, dict) and "dclint" in data


def peer_files_in(folder: Path) -> dict[str, Path]:
    """The peer configuration files a folder holds, the first of each peer's search order."""
    found: dict[str, Path] = {}
    for name in HADOLINT_FILES:
        if (folder / name).is_file():
            found["hadolint"] = folder / name
            break
    for name in DCLINT_FILES:
        candidate = folder / name
        if candidate.is_file() and (name != "package.json" or _has_dclint_key(candidate)):
            found["dclint"] = candidate
            break
    for name in COMPOSE_LINT_FILES:
        if (folder / name).is_file():
            found["compose-lint"] = folder / name
            break
    return found


def find_peer_files(start: Path) -> dict[str, Path]:
    """The nearest configuration file of each peer, from ``start`` upwards (hadolint also in
    its per-user places)."""
    found: dict[str, Path] = {}
    for folder in (start, *start.parents):
        for peer, path in peer_files_in(folder).items():
            found.setdefault(peer, path)
        if len(found) == len(PEERS):
            break
    if "hadolint" not in found:
        for candidate in hadolint_global_files():
            if candidate.is_file():
                found["hadolint"] = candidate
                break
    return {peer: found[peer] for peer in PEERS if peer in found}


# ---------------------------------------------------------------------------- readers


def _error(path: Path, key: str | None, message: str) -> Exception:
    from linter.config import ConfigError

    return ConfigError(f"{path}: {key}: {message}" if key else f"{path}: {message}")


def _did_you_mean(key: str, known: set[str]) -> str:
    import difflib

    close = difflib.get_close_matches(key, sorted(known), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def _read_yaml(path: Path) -> Any:
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
        return yaml.safe_load(text) if text.strip() else {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise _error(path, None, f"cannot read YAML: {error}") from None


def _codes(path: Path, key: str, value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
        raise _error(path, key, "expected a list of rule codes")
    return [str(v) for v in value]


def _scope(config: Config, peer: str, keys: list[str]) -> list[str]:
    """Mark keys as written in a peer file: their kind, and how lenient to be if unknown."""
    for key in keys:
        config.peer_keys[key] = peer
    return keys


def _set_severity(config: Config, key: str, level: Severity) -> None:
    """A later setting wins, also over one that reached the same rule through another alias."""
    config.severity.pop(key, None)
    config.severity[key] = level


def apply_hadolint(config: Config, path: Path) -> None:
    """hadolint's default rule set and severities, then the file's settings."""
    data = _read_yaml(path)
    data = {} if data is None else data
    if not isinstance(data, Mapping):
        raise _error(path, None, "expected a mapping of settings at the top level")
    config.profiles.append("hadolint")
    config.sources.append(path)
    config.extend_select += _scope(config, "hadolint", list(HADOLINT_SEVERITY))
    for code, level in HADOLINT_SEVERITY.items():
        _set_severity(config, code, level)
    for key, value in data.items():
        key = str(key)
        if key not in HADOLINT_KEYS:  # hadolint skips unknown keys; so does shiplint, aloud
            config.notes.append(
                f"{shown(path)}: {key}: unknown hadolint key, ignored (as "
                f"hadolint ignores it){_did_you_mean(key, HADOLINT_KEYS)}"
            )
            continue
        if key == "ignored":
            config.ignore += _scope(config, "hadolint", _codes(path, key, value))
        elif key == "override":
            if value is None:
                continue
            if not isinstance(value, Mapping):
                raise _error(path, key, "expected error/warning/info/style lists")
            for level_name, codes in value.items():
                try:
                    level = Severity.parse(str(level_name))
                except ValueError as error:
                    raise _error(path, f"{key}.{level_name}", str(error)) from None
                for code in _scope(config, "hadolint", _codes(path, f"{key}.{level_name}", codes)):
                    _set_severity(config, code, level)
                    if code.upper() in HADOLINT_OFF:  # an override turns hadolint's rule on
                        config.extend_select.append(code)
        elif key == "trustedRegistries":
            config.trusted_registries = _codes(path, key, value)
        elif key == "failure-threshold":
            level_name = str(value).lower()
            if level_name in ("none", "ignore"):
                config.no_fail = True
            else:
                try:
                    config.fail_level = Severity.parse(level_name)
                except ValueError as error:
                    raise _error(path, key, str(error)) from None
        elif key == "label-schema":
            from linter.config import LABEL_TYPES

            if value is None:
                continue
            if not isinstance(value, Mapping):
                raise _error(path, key, "expected a mapping of label -> type")
            for label, kind in value.items():
                if str(kind) not in LABEL_TYPES:
                    raise _error(
                        path,
                        f"{key}.{label}",
                        f"unknown label type {kind!r} "
                        f"(expected one of {', '.join(sorted(LABEL_TYPES))})",
                    )
                config.label_schema[str(label)] = str(kind)
        elif key in ("strict-labels", "no-fail", "disable-ignore-pragma"):
            if not isinstance(value, bool):
                raise _error(path, key, "expected true or false")
            if key == "strict-labels":
                config.strict_labels = value
            elif key == "no-fail":
                config.no_fail = value
            else:
                config.disable_ignore_pragma = value
        else:  # output settings and require-labels: nothing shiplint finds depends on them
            config.peer_unmapped.append((path, key, value))


def _read_dclint(path: Path) -> Any:
    if path.suffix in (".js", ".ts", ".cjs", ".mjs"):
        raise _error(
            path,
            None,
            "a JavaScript dclint configuration cannot be read by "
            "shiplint; write its settings as .dclintrc (YAML or JSON) or .shiplint.toml",
        )
    if path.name == "package.json":
        try:
            return json.loads(path.read_text(encoding="utf-8")).get("dclint") or {}
        except (OSError, UnicodeDecodeError, ValueError, AttributeError) as error:
            raise _error(path, None, f"cannot read JSON: {error}") from None
    if path.suffix == ".json":
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise _error(path, None, f"cannot read JSON: {error}") from None
    return _read_yaml(path)  # .dclintrc without extension: YAML (JSON is YAML too)


def apply_dclint(config: Config, path: Path) -> None:
    """dclint's rules (all on unless set to 0), its levels, and its exclude list."""
    data = _read_dclint(path)
    data = {} if data is None else data
    key_prefix = "dclint" if path.name == "package.json" else None
    where = f"{path} (dclint)" if key_prefix else str(path)
    if not isinstance(data, Mapping):
        raise _error(Path(where), None, "expected a mapping of settings")
    config.profiles.append("dclint")
    config.sources.append(path)
    rules = data.get("rules") or {}
    if not isinstance(rules, Mapping):
        raise _error(Path(where), "rules", "expected a mapping of rule name -> 0, 1 or 2")
    for key in data:
        if key not in DCLINT_KEYS:
            raise _error(
                Path(where),
                str(key),
                f"unknown dclint key (known: {', '.join(sorted(DCLINT_KEYS))})",
            )
    for name, setting in rules.items():
        name = str(name)
        if name not in DCLINT_TYPE:
            raise _error(
                Path(where),
                f"rules.{name}",
                "unknown dclint rule (dclint refuses "
                f"it too); known: {', '.join(sorted(DCLINT_TYPE))}",
            )
        options = None
        level = setting
        if isinstance(setting, list) and len(setting) == 2:
            level, options = setting
        if level not in (0, 1, 2) or isinstance(level, bool):
            raise _error(
                Path(where),
                f"rules.{name}",
                "expected 0 (off), 1 (warning), 2 (error), or [level, {options}]",
            )
        if options:
            config.peer_unmapped.append((path, f"rules.{name}", options))
    for name, default in DCLINT_TYPE.items():
        setting = rules.get(name)
        level = setting[0] if isinstance(setting, list) else setting
        if level == 0:
            config.ignore += _scope(config, "dclint", [name])
            continue
        config.extend_select += _scope(config, "dclint", [name])
        _set_severity(
            config, name, DCLINT_LEVELS.get(level, default) if level is not None else default
        )
    exclude = data.get("exclude")
    if exclude is not None:
        config.exclude += _codes(Path(where), "exclude", exclude)
    # quiet and debug change dclint's output only: accepted, nothing to do.


def apply_compose_lint(config: Config, path: Path) -> None:
    """compose-lint's per-rule ``enabled: false`` and ``severity`` settings."""
    data = _read_yaml(path)
    data = {} if data is None else data
    if not isinstance(data, Mapping):
        raise _error(path, None, "expected a mapping of settings at the top level")
    config.sources.append(path)
    for key in data:  # compose-lint warns about unknown keys and goes on; so does shiplint
        if str(key) != "rules" and not str(key).startswith("x-"):
            config.notes.append(
                f"{shown(path)}: {key}: unknown compose-lint key, ignored "
                f"(known: rules, x-*){_did_you_mean(str(key), {'rules'})}"
            )
    rules = data.get("rules") or {}
    if not isinstance(rules, Mapping):
        raise _error(path, "rules", "expected a mapping of rule id -> settings")
    for rule_id, settings in rules.items():
        rule_id = str(rule_id)
        settings = settings or {}
        if not isinstance(settings, Mapping):
            raise _error(path, f"rules.{rule_id}", "expected a mapping")
        for key, value in settings.items():
            where = f"rules.{rule_id}.{key}"
            if key == "enabled":
                if not isinstance(value, bool):
                    raise _error(path, where, "expected true or false")
                if not value:
                    config.ignore += _scope(config, "compose-lint", [rule_id])
            elif key == "severity":
                level = COMPOSE_LINT_SEVERITY.get(str(value).lower())
                if level is None:
                    raise _error(path, where, "expected low, medium, high or critical")
                _set_severity(config, _scope(config, "compose-lint", [rule_id])[0], level)
            elif key == "reason":
                continue
            elif key == "exclude_services":
                config.peer_unmapped.append((path, where, value))
            else:
                raise _error(
                    path, where, "unknown key (known: enabled, severity, reason, exclude_services)"
                )


APPLY = {"hadolint": apply_hadolint, "dclint": apply_dclint, "compose-lint": apply_compose_lint}


def shown(path: Path) -> str:
    """A path as the user would type it from the working directory."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if relative.startswith("../..") else relative


def unmapped_note(path: Path | str, key: str) -> str:
    """Why a peer setting has no effect in shiplint, in one line."""
    path = shown(Path(path))
    if key in HADOLINT_OUTPUT_KEYS:
        return (
            f"{path}: {key} is an output setting of hadolint; shiplint ignores it "
            "(use --format, NO_COLOR, --quiet)"
        )
    if key == "require-labels":
        return f"{path}: require-labels has no shiplint equivalent; use label-schema"
    if key.endswith(".exclude_services"):
        return (
            f"{path}: {key}: shiplint cannot exclude single services; the rule runs on "
            "every service (suppress a finding with `# shiplint: ignore[CODE]` on its line)"
        )
    return f"{path}: {key}: rule options are not supported; the rule runs with its defaults"


def _usable(config: Config, key: str, registry: Any) -> bool:
    """Whether a code written in a peer file takes part in this run.

    A code for a kind of file the run does not lint is left out, so a Dockerfile-only run
    never loads the compose rules for a dclint file. hadolint and compose-lint ignore codes
    they do not know (retired rules such as DL3005); shiplint drops them with a note.
    """
    from linter.registry import is_subcode

    peer = config.peer_keys.get(key)
    if peer is None:
        return True
    if KIND_OF_PEER[peer] not in registry.kinds:
        return False
    if is_subcode(key):
        return True
    known = (
        (key.upper() in HADOLINT_SEVERITY or key.upper() in HADOLINT_OFF)
        if peer == "hadolint"
        else True
    )
    if known and registry.resolve(key) is not None:
        return True
    source = next((s for s in config.sources if peer_of(s) == peer), Path(peer))
    note = (
        f"{shown(source)}: {key} is not a {peer} rule shiplint knows (retired, or a "
        "typo?); it is left out"
    )
    if note not in config.notes:
        config.notes.append(note)
    return False


def effective(
    config: Config, registry: Any
) -> tuple[list[str], list[str], list[tuple[str, Severity]]]:
    """extend-select, ignore and severity of ``config`` with the peer codes this run can use."""
    return (
        [k for k in config.extend_select if _usable(config, k, registry)],
        [k for k in config.ignore if _usable(config, k, registry)],
        [(k, v) for k, v in config.severity.items() if _usable(config, k, registry)],
    )


def lint_notes(config: Config) -> list[str]:
    """What to say once on stderr: ignored peer files, settings shiplint cannot honour."""
    notes = list(config.notes)
    for path, key, _value in config.peer_unmapped:
        if key not in HADOLINT_OUTPUT_KEYS:
            notes.append(unmapped_note(path, key))
    return notes
