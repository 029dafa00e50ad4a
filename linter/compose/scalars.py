"""How compose reads a YAML scalar, and where a YAML 1.1 reader would read it differently.

docker compose decodes YAML with Go's yaml.v3, which is YAML 1.2 with a few 1.1 leftovers
(checked against go-yaml/yaml ``resolve.go``): ``yes``/``no``/``on``/``off`` are strings and
``80:80`` is a string (no sexagesimal numbers), but ``0755`` is still octal (493) and
underscores are dropped from numbers (``1_000`` is 1000). We copy that reading exactly,
because a linter that reads values differently from compose reports the wrong things.
"""

from __future__ import annotations

import math
import re

from linter.compose.nodes import Scalar

TAG_PREFIX = "tag:yaml.org,2002:"
STR = TAG_PREFIX + "str"
INT = TAG_PREFIX + "int"
FLOAT = TAG_PREFIX + "float"
BOOL = TAG_PREFIX + "bool"
NULL = TAG_PREFIX + "null"
TIMESTAMP = TAG_PREFIX + "timestamp"
MERGE = TAG_PREFIX + "merge"

_MAP: dict[str, tuple[Scalar, str]] = {
    **{word: (True, BOOL) for word in ("true", "True", "TRUE")},
    **{word: (False, BOOL) for word in ("false", "False", "FALSE")},
    **{word: (None, NULL) for word in ("", "~", "null", "Null", "NULL")},
    **{word: (math.nan, FLOAT) for word in (".nan", ".NaN", ".NAN")},
    **{word: (math.inf, FLOAT) for word in (".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF")},
    **{word: (-math.inf, FLOAT) for word in ("-.inf", "-.Inf", "-.INF")},
}

# Go's strconv.ParseInt(s, 0, 64): decimal, 0x, 0o, 0b, and a leading 0 meaning octal.
_GO_INT = re.compile(
    r"(?P<sign>[-+]?)(?:0[xX](?P<hex>[0-9a-fA-F]+)|0[oO](?P<oct>[0-7]+)|0[bB](?P<bin>[01]+)"
    r"|(?P<legacy>0[0-7]*)|(?P<dec>[1-9][0-9]*))"
)
_YAML_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_DOT_FLOAT = re.compile(r"\.[0-9]+([eE][-+]?[0-9]+)?")
_TIMESTAMP = re.compile(
    r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
    r"(?:[Tt][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]+)?(?:Z|[-+][0-9]{2}:[0-9]{2})"
    r"|[ ][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]+)?)?"
)
_INT64 = (-(2**63), 2**63 - 1)
_UINT64_MAX = 2**64 - 1


def _go_int(text: str) -> int | None:
    match = _GO_INT.fullmatch(text)
    if match is None:
        return None
    groups = match.groupdict()
    if groups["hex"] is not None:
        value = int(groups["hex"], 16)
    elif groups["oct"] is not None:
        value = int(groups["oct"], 8)
    elif groups["bin"] is not None:
        value = int(groups["bin"], 2)
    elif groups["legacy"] is not None:
        value = int(groups["legacy"], 8)
    else:
        value = int(groups["dec"])
    if groups["sign"] == "-":
        value = -value
    if _INT64[0] <= value <= _INT64[1]:
        return value
    if groups["sign"] == "" and value <= _UINT64_MAX:
        return value
    return None


def resolve_plain(text: str) -> tuple[Scalar, str]:
    """The value and tag yaml.v3 gives an untagged plain scalar."""
    if text in _MAP:
        return _MAP[text]
    first = text[0]
    if first == ".":
        if _DOT_FLOAT.fullmatch(text):
            return float(text), FLOAT
        return text, STR
    if not (first.isascii() and (first.isdigit() or first in "+-")):
        return text, STR
    if _TIMESTAMP.fullmatch(text):
        return text, TIMESTAMP  # compose gets a time; we keep the text
    plain = text.replace("_", "")
    number = _go_int(plain)
    if number is not None:
        return number, INT
    if _YAML_FLOAT.fullmatch(plain):
        return float(plain), FLOAT
    return text, STR


def resolve(text: str, style: str, tag: str | None) -> tuple[Scalar, str]:
    """The value and resolved tag of a scalar with its style and explicit tag (None if none).

    Quoted and block scalars are strings; an explicit ``!!int`` and friends resolve like a
    plain scalar when the text fits, and stay strings otherwise. Custom tags such as
    compose's ``!reset`` and ``!override`` keep the plain reading of their text.
    """
    if tag is None:
        if style == "plain":
            return resolve_plain(text)
        return text, STR
    if tag in (STR, "!"):
        return text, STR
    value, resolved = resolve_plain(text) if text or style == "plain" else (text, STR)
    if tag in (INT, FLOAT, BOOL, NULL, TIMESTAMP):
        if resolved == tag:
            return value, tag
        if tag == FLOAT and resolved == INT and isinstance(value, int):
            return float(value), FLOAT
        return text, STR
    return value, tag


# ---------------------------------------------------------------------------------------------
# YAML 1.1 traps

# The YAML 1.1 booleans the YAML 1.1 readers around compose agree on: docker-compose v1 and
# other PyYAML-based tools. The spec's one-letter y/Y/n/N are left out on purpose: PyYAML reads
# them as strings (like compose does), only a few strict readers (go-yaml v2) read them as
# booleans, so `Y` is no disagreement worth a warning.
_YAML11_BOOL = frozenset(
    {"yes", "Yes", "YES", "no", "No", "NO"} | {"on", "On", "ON", "off", "Off", "OFF"}
)
# PyYAML's (YAML 1.1) base-60 int and float patterns.
_SEXAGESIMAL = re.compile(
    r"[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*"
)
_NUMBER_START = frozenset("0123456789+-")
_LEGACY_OCTAL = re.compile(r"[-+]?0[0-7_]+")


def yaml11_trap(text: str) -> str | None:
    """Why an unquoted scalar would be read differently by a YAML 1.1 reader, or None.

    Old docker-compose (Python, PyYAML) and many other tools read YAML 1.1; compose v2
    reads it as shown by :func:`resolve_plain`.
    """
    if not text or (text[0] not in _NUMBER_START and text not in _YAML11_BOOL):
        return None
    if text in _YAML11_BOOL:
        boolean = "true" if text.lower() in ("yes", "on") else "false"
        return (
            f"'{text}' is the string \"{text}\" for compose here but the boolean {boolean} for "
            "YAML 1.1 readers (docker-compose v1, PyYAML-based tools); quote it"
        )
    if _SEXAGESIMAL.fullmatch(text):
        return (
            f"'{text}' is a string for compose but a base-60 number for YAML 1.1 readers; quote it"
        )
    if _LEGACY_OCTAL.fullmatch(text) and text.strip("+-_0"):
        value = _go_int(text.replace("_", ""))
        decimal = text.lstrip("+-").replace("_", "").lstrip("0")
        return (
            f"'{text}' is the octal number {value} for compose and YAML 1.1 readers but "
            f"{decimal} for YAML 1.2 readers; write 0o{text.lstrip('+-0')} or quote it"
        )
    return None
