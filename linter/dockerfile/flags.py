"""Instruction flags checked the way BuildKit checks them before it builds.

BuildKit's ``instructions`` package declares, per instruction, which flags exist and of which
kind (boolean, one string, a repeatable string), then parses them: an unknown flag, a string
flag without ``=value``, a boolean that is not true/false, or a flag given twice stops the
build. RUN's ``--mount``, ``--network`` and ``--security`` and COPY/ADD's ``--chmod`` have
their values checked too. Values that use a build variable (``$``) are expanded by BuildKit
later, so they are not judged here.

``flag_problems`` returns ``(message, span)`` pairs; the parser turns them into ``flag``
parse errors and marks the instruction so the other rules can leave it alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from linter.diagnostics import Span
from linter.dockerfile.ast import Flag, Word

_BOOL = "bool"
_STRING = "string"
_STRINGS = "strings"  # may be repeated: every value is kept

# The flags each instruction declares (BuildKit frontend/dockerfile/instructions).
_HEALTHCHECK = {
    name: _STRING for name in ("interval", "timeout", "start-period", "start-interval", "retries")
}
_FLAGS: dict[str, dict[str, str]] = {
    "ADD": {
        "chown": _STRING,
        "chmod": _STRING,
        "link": _BOOL,
        "keep-git-dir": _BOOL,
        "checksum": _STRING,
        "unpack": _BOOL,
        "exclude": _STRINGS,
    },
    "COPY": {
        "chown": _STRING,
        "from": _STRING,
        "chmod": _STRING,
        "link": _BOOL,
        "exclude": _STRINGS,
        "parents": _BOOL,
    },
    "FROM": {"platform": _STRING},
    "RUN": {"mount": _STRINGS, "network": _STRING, "security": _STRING, "device": _STRINGS},
    "HEALTHCHECK": _HEALTHCHECK,
}

_NETWORKS = ("default", "none", "host")
_SECURITY = ("sandbox", "insecure")
_MOUNT_TYPES = ("bind", "cache", "tmpfs", "secret", "ssh")
_SHARING = ("shared", "private", "locked")
_MOUNT_KEYS = (
    "type",
    "from",
    "source",
    "src",
    "target",
    "dst",
    "destination",
    "readonly",
    "ro",
    "readwrite",
    "rw",
    "required",
    "id",
    "sharing",
    "size",
    "mode",
    "uid",
    "gid",
    "env",
)
# Go's strconv.ParseBool.
_GO_BOOLS = frozenset(
    {"1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"}
)
_SIZE = re.compile(r"^\s*\d+(\.\d+)?\s*([kmgtpKMGTP]([iI]?[bB])?|[bB])?\s*$")
# chmod's symbolic modes: who, then one or more operator + permissions, comma-separated.
_SYMBOLIC = re.compile(
    r"^[ugoa]*(?:[-+=](?:[rwxXst]*|[ugo]))+"
    r"(?:,[ugoa]*(?:[-+=](?:[rwxXst]*|[ugo]))+)*$"
)


def flag_problems(
    keyword: str,
    flags: tuple[Flag, ...],
    words: tuple[Word, ...],
) -> list[tuple[str, Span]]:
    """What BuildKit would reject in ``flags`` of a ``keyword`` instruction."""
    if not flags:
        return []
    if keyword == "HEALTHCHECK" and words and words[0].text.upper() == "NONE":
        return []  # BuildKit never parses the flags of HEALTHCHECK NONE
    declared = _FLAGS.get(keyword, {})
    problems: list[tuple[str, Span]] = []
    used: set[str] = set()
    for index, flag in enumerate(flags):
        problem = _problem(keyword, declared, flag, used, words if index == len(flags) - 1 else ())
        if problem is not None:
            problems.append((problem, flag.span))
    return problems


def _problem(
    keyword: str, declared: dict[str, str], flag: Flag, used: set[str], following: tuple[Word, ...]
) -> str | None:
    written = "--" + flag.name
    kind = declared.get(flag.name)
    if kind is None:
        return _unknown(keyword, written, flag.name, declared)
    if flag.name in used and kind != _STRINGS:
        return f"duplicate flag specified: {written} (BuildKit accepts each flag once)"
    used.add(flag.name)
    value = flag.value
    if kind == _BOOL:
        if value == "":
            return f"missing a value on flag: {written}"
        if value is not None and value.lower() not in ("true", "false"):
            return f"expecting boolean value for flag {written}, not: {value}"
        return None
    if value is None:
        hint = ""
        if following and len(following) > 1:
            hint = f" (write {written}={following[0].text})"
        return f"missing a value on flag: {written}{hint}"
    if keyword == "RUN" and flag.name == "mount":
        return next(_mount_problems(value), None)  # judges its variables field by field
    if "$" in value:
        return None  # expanded with the build arguments later
    if keyword == "RUN":
        return _run_value(flag.name, value)
    if flag.name == "chmod":
        return _chmod(value)
    return None


def _unknown(keyword: str, written: str, name: str, declared: dict[str, str]) -> str:
    if not declared:
        return f"unknown flag: {written} ({keyword} takes no flags)"
    import difflib  # only files with a mistyped flag pay for it

    close = difflib.get_close_matches(name, list(declared), n=1, cutoff=0.6)
    if close:
        return f"unknown flag: {written} (did you mean --{close[0]}?)"
    known = ", ".join("--" + known for known in declared)
    return f"unknown flag: {written} ({keyword} takes {known})"


def _run_value(name: str, value: str) -> str | None:
    if name == "network" and value not in _NETWORKS:
        return f"invalid network mode {value!r}: use one of {', '.join(_NETWORKS)}"
    if name == "security" and value not in _SECURITY:
        return f"security {value!r} is not valid: use sandbox or insecure"
    return None


def _csv_fields(value: str) -> list[str] | None:
    """The comma-separated fields of a mount value (CSV quoting), None when malformed."""
    import csv  # only RUN --mount values pay for it

    try:
        rows = list(csv.reader([value], strict=True))
    except csv.Error:
        return None
    return rows[0] if rows else []


def _mount_problems(value: str) -> Iterator[str]:
    """BuildKit's ``parseMount`` checks, in its order."""
    fields = _csv_fields(value)
    if fields is None:
        yield f"failed to parse csv mounts: {value}"
        return
    mount_type = "bind"
    has: dict[str, str] = {}
    for field in fields:
        key, equals, raw = field.partition("=")
        key = key.lower()
        if not equals:
            if key in ("readonly", "ro", "readwrite", "rw"):
                continue
            if key == "required":
                if mount_type not in ("secret", "ssh"):
                    yield f"unexpected key 'required' for mount type '{mount_type}'"
                continue
            yield f"invalid field '{field}' must be a key=value pair"
            return
        if key == "from" and "$" in raw[:-1]:
            yield "'from' doesn't support variable expansion, define alias stage instead"
            return
        if "$" in raw:
            has[key] = raw
            if key == "type":
                return  # the type decides what else is valid: leave it to the build
            continue
        problem = _mount_field(key, raw, mount_type)
        if problem is not None:
            yield problem
            return
        if key == "type":
            mount_type = raw.lower()
        has[key] = raw
    if mount_type not in ("secret", "ssh", "cache"):
        for key in ("mode", "uid", "gid"):
            if key in has:
                yield f"{key} not allowed for {mount_type!r} type mounts"
                return
    if mount_type == "secret":
        if "from" in has:
            yield "secret mount should not have a from"
        elif "sharing" in has:
            yield "secret mount should not define sharing"
        elif not any(key in has for key in ("source", "src", "target", "dst", "destination", "id")):
            yield "invalid secret mount: one of source, target required"
        return
    if "sharing" in has and mount_type != "cache":
        yield f"invalid cache sharing set for {mount_type} mount"


def _mount_field(key: str, value: str, mount_type: str) -> str | None:
    if key == "type":
        if value.lower() not in _MOUNT_TYPES:
            return _unsupported("mount type", value, _MOUNT_TYPES)
        return None
    if key in ("readonly", "ro", "readwrite", "rw"):
        return None if value in _GO_BOOLS else f"invalid value for {key}: {value}"
    if key == "required":
        if mount_type not in ("secret", "ssh"):
            return f"unexpected key 'required' for mount type '{mount_type}'"
        return None if value in _GO_BOOLS else f"invalid value for {key}: {value}"
    if key == "size":
        if mount_type != "tmpfs":
            return f"unexpected key 'size' for mount type '{mount_type}'"
        return None if _SIZE.match(value) else f"invalid value for size: {value}"
    if key == "sharing":
        if value.lower() not in _SHARING:
            return _unsupported("sharing value", value, _SHARING)
        return None
    if key == "mode":
        return None if _octal(value) is not None else f"invalid value {value} for mode"
    if key in ("uid", "gid"):
        return (
            None if value.isdigit() and int(value) < 2**32 else f"invalid value {value} for {key}"
        )
    if key in _MOUNT_KEYS:
        return None
    import difflib

    close = difflib.get_close_matches(key, _MOUNT_KEYS, n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return f"unexpected key '{key}' in '{key}={value}'{hint}"


def _unsupported(what: str, value: str, allowed: tuple[str, ...]) -> str:
    import difflib

    close = difflib.get_close_matches(value.lower(), allowed, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]}?" if close else "use one of " + ", ".join(allowed)
    return f"unsupported {what} {value!r} ({hint})"


def _octal(value: str) -> int | None:
    """Go's ``strconv.ParseUint(value, 8, 32)``."""
    if not value or any(c not in "01234567" for c in value):
        return None
    number = int(value, 8)
    return number if number < 2**32 else None


def _chmod(value: str) -> str | None:
    number = _octal(value)
    if number is not None:
        if number > 0o7777:
            return (
                f"invalid chmod parameter: {value!r}: it should be an octal string "
                "between 0 and 07777"
            )
        return None
    if value[:1].isdigit():
        return (
            f"invalid chmod parameter: {value!r}: it should be an octal string between 0 and 07777"
        )
    if _SYMBOLIC.match(value):
        return None
    return (
        f"invalid chmod parameter: {value!r}: use an octal mode (0755) or a symbolic "
        "one (u=rwx,go=rx)"
    )
