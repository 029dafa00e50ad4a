"""``.env`` files as compose reads them (compose-go ``dotenv/parser.go``).

``KEY=VALUE`` or ``KEY: VALUE``, an optional ``export``, ``#`` comments (whole lines, or
after `` #`` in an unquoted value), single quotes literal, double quotes with backslash
escapes and variables, unquoted values with variables, a bare ``KEY`` taken from the
given environment. Values may use variables defined earlier in the file.
"""

from __future__ import annotations

import re
from collections import ChainMap
from collections.abc import Mapping

from linter.compose.interpolation import interpolate
from linter.records import record

_EXPORT = re.compile(r"export\s+")
_ESCAPES = re.compile(r"\\(?:[abcfnrtv$\"\\]|0[0-7]{0,3})")
_SIMPLE_ESCAPES = {
    "a": "\a",
    "b": "\b",
    "c": "\\c",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    '"': '"',
    "\\": "\\",
    "$": "$$",
}
_SPACE = " \t\v\f\r\x85\xa0"


@record
class DotenvError:
    message: str
    line: int


def _unescape(match: re.Match[str]) -> str:
    code = match.group(0)[1:]
    if code[0] == "0":
        return chr(int(code, 8)) if len(code) > 1 else "\0"
    return _SIMPLE_ESCAPES[code]


def _key_char(char: str) -> bool:
    return char.isalnum() or char in "_.-[]"


def parse_dotenv(
    text: str, lookup: Mapping[str, str] | None = None
) -> tuple[dict[str, str], list[DotenvError]]:
    """The variables of a ``.env`` text, and the errors (parsing stops at the first)."""
    values: dict[str, str] = {}
    lookup = lookup or {}
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    index, line = 0, 1

    env = ChainMap(values, dict(lookup))  # sees each value as soon as it is parsed

    while index < len(text):
        while index < len(text) and text[index] in _SPACE + "\n":
            line += text[index] == "\n"
            index += 1
        if index >= len(text):
            break
        if text[index] == "#":
            newline = text.find("\n", index)
            index = len(text) if newline < 0 else newline
            continue
        export = _EXPORT.match(text, index)
        if export is not None:
            index = export.end()
        start = index
        while index < len(text) and text[index] not in "=:\n":
            if not (_key_char(text[index]) or text[index] in _SPACE):
                first_line = text[start:].split("\n", 1)[0]
                return values, [
                    DotenvError(
                        f"unexpected character {text[index]!r} in variable name {first_line!r}",
                        line,
                    )
                ]
            index += 1
        key = text[start:index].strip(_SPACE)
        if " " in key:
            return values, [DotenvError("a variable name cannot contain a space", line)]
        if index >= len(text) or text[index] == "\n":
            inherited = lookup.get(key)
            if inherited is not None:
                values[key] = inherited
            continue
        index += 1
        while index < len(text) and text[index] in _SPACE:
            index += 1
        quote = text[index] if index < len(text) and text[index] in "'\"" else ""
        if not quote:
            newline = text.find("\n", index)
            end = len(text) if newline < 0 else newline
            raw = text[index:end].split(" #", 1)[0].rstrip(_SPACE + "\n")
            values[key] = interpolate(raw, env)[0]
            index = end
            continue
        chars: list[str] = []
        cursor = index + 1
        escaped = False
        closed = False
        while cursor < len(text):
            char = text[cursor]
            if char == "\\" and not escaped:
                escaped = True
                cursor += 1
                continue
            if char == quote and not escaped:
                closed = True
                break
            if escaped:
                chars.append("\\")
                escaped = False
            chars.append(char)
            cursor += 1
        if not closed:
            return values, [DotenvError(f"unterminated quoted value for {key}", line)]
        value = "".join(chars)
        line += text.count("\n", index, cursor)
        if quote == '"':
            value = interpolate(_ESCAPES.sub(_unescape, value), env)[0]
        values[key] = value
        index = cursor + 1
        newline = text.find("\n", index)
        index = len(text) if newline < 0 else newline
    return values, []
