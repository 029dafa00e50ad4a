"""Dockerfile variables: ``$VAR`` substitution and the key=value pairs of ARG, ENV and LABEL.

Substitution follows BuildKit's word processing (``frontend/dockerfile/shell/lex.go``):
quotes are removed, single quotes stop expansion, the escape character escapes the next
character, unset variables expand to the empty string, and the modifiers ``:-``, ``-``,
``:+``, ``+``, ``:?``, ``?``, ``#``, ``##``, ``%``, ``%%`` and ``/`` work as documented.
"""

from __future__ import annotations

import fnmatch
import re
from bisect import bisect_right
from collections.abc import Mapping

from linter.diagnostics import Position, Span
from linter.dockerfile.ast import Instruction, KeyValue, SourceLine
from linter.dockerfile.lexer import unquote_word, word_pattern
from linter.records import field, record

_NAME_CHAR = re.compile(r"[A-Za-z0-9_]")
_SPECIAL = frozenset("@*#?-$!0")
_MAX_DEPTH = 32


@record(frozen=False)
class _Expander:
    text: str
    env: Mapping[str, str]
    escape: str
    unresolved: list[str] = field(default_factory=list)
    pos: int = 0

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def word(self, stop: str = "", depth: int = 0) -> str:
        """Process characters up to ``stop`` (consumed) or the end of the text."""
        out: list[str] = []
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if stop and char == stop:
                self.pos += 1
                return "".join(out)
            self.pos += 1
            if char == "'":
                end = text.find("'", self.pos)
                end = len(text) if end < 0 else end
                out.append(text[self.pos : end])
                self.pos = end + 1
            elif char == '"':
                out.append(self.double_quoted(depth))
            elif char == self.escape:
                if self.pos < len(text):
                    out.append(text[self.pos])
                    self.pos += 1
            elif char == "$":
                out.append(self.dollar(depth))
            else:
                out.append(char)
        return "".join(out)

    def double_quoted(self, depth: int) -> str:
        out: list[str] = []
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            self.pos += 1
            if char == '"':
                break
            if char == "$":
                out.append(self.dollar(depth))
            elif char == self.escape and self.peek() in ('"', "$", self.escape) and self.peek():
                out.append(text[self.pos])
                self.pos += 1
            else:
                out.append(char)
        return "".join(out)

    def name(self) -> str:
        text = self.text
        start = self.pos
        if start < len(text) and text[start].isdigit():
            while self.pos < len(text) and text[self.pos].isdigit():
                self.pos += 1
            return text[start : self.pos]
        if start < len(text) and text[start] in _SPECIAL:
            self.pos += 1
            return text[start]
        while self.pos < len(text) and _NAME_CHAR.match(text[self.pos]):
            self.pos += 1
        return text[start : self.pos]

    def lookup(self, name: str) -> str | None:
        value = self.env.get(name)
        if value is None and name not in self.unresolved:
            self.unresolved.append(name)
        return value

    def dollar(self, depth: int) -> str:
        if self.peek() != "{":
            name = self.name()
            if not name:
                return "$"
            return self.lookup(name) or ""
        self.pos += 1
        name = self.name()
        if not name:
            # "${" followed by nothing usable: keep the rest literally up to "}".
            return "${" + self.word("}", depth + 1) + "}"
        modifier = self.peek()
        if modifier == "}":
            self.pos += 1
            return self.lookup(name) or ""
        if depth >= _MAX_DEPTH:
            self.word("}", depth + 1)
            return ""
        colon = modifier == ":"
        if colon:
            self.pos += 1
            modifier = self.peek()
        if modifier in ("-", "+", "?"):
            self.pos += 1
            value = self.env.get(name)
            word = self.word("}", depth + 1)
            is_set = value is not None and (value != "" or not colon)
            if modifier == "-":
                return value if is_set and value is not None else word
            if modifier == "+":
                return word if is_set else ""
            if not is_set:
                if name not in self.unresolved:
                    self.unresolved.append(name)
                return ""
            return value or ""
        if not colon and modifier in ("#", "%"):
            self.pos += 1
            greedy = self.peek() == modifier
            if greedy:
                self.pos += 1
            pattern = self.word("}", depth + 1)
            return _trim(self.lookup(name) or "", pattern, modifier == "#", greedy)
        if not colon and modifier == "/":
            self.pos += 1
            everywhere = self.peek() == "/"
            if everywhere:
                self.pos += 1
            pattern = self.word("/", depth + 1)
            replacement = self.word("}", depth + 1)
            value = self.lookup(name) or ""
            if not pattern:
                return value
            return value.replace(pattern, replacement, -1 if everywhere else 1)
        # Unsupported modifier: BuildKit rejects it; keep it out of the value.
        self.word("}", depth + 1)
        return self.lookup(name) or ""


def _trim(value: str, pattern: str, prefix: bool, greedy: bool) -> str:
    """``${v#p}``, ``${v##p}``, ``${v%p}``, ``${v%%p}`` with shell glob patterns."""
    if not pattern:
        return value
    lengths = range(len(value), -1, -1) if greedy else range(len(value) + 1)
    for length in lengths:
        part = value[:length] if prefix else value[len(value) - length :]
        if fnmatch.fnmatchcase(part, pattern):
            return value[length:] if prefix else value[: len(value) - length]
    return value


def expand(text: str, env: Mapping[str, str], escape: str = "\\") -> tuple[str, list[str]]:
    """Substitute variables in ``text``; also return the names that had no value."""
    expander = _Expander(text, env, escape)
    try:
        result = expander.word()
    except RecursionError:
        return text, expander.unresolved
    return result, expander.unresolved


def substitute(text: str, env: Mapping[str, str], escape: str = "\\") -> str:
    """Dockerfile variable substitution of one word, quotes and escapes removed."""
    return expand(text, env, escape)[0]


def unquote(text: str, escape: str = "\\") -> str:
    """Remove quotes and escapes, leaving ``$VAR`` references as written."""
    return unquote_word(text, escape)


def split_key_values(instruction: Instruction) -> list[KeyValue]:
    """The pairs of an ARG, ENV or LABEL instruction, with spans; values unquoted.

    The parser fills ``Instruction.key_values`` with the file's escape character; this reads
    them, or computes them with ``\\`` for instructions built some other way.
    """
    if instruction.key_values:
        return list(instruction.key_values)
    if instruction.keyword not in ("ARG", "ENV", "LABEL"):
        return []
    return key_values_of(
        instruction.keyword, instruction.arguments, instruction.argument_lines, "\\"
    )


def key_values_of(
    keyword: str, text: str, argument_lines: tuple[SourceLine, ...], escape: str
) -> list[KeyValue]:
    """Split ARG/ENV/LABEL arguments the way BuildKit's ``parseNameVal`` does.

    ``ENV key some value`` (the legacy form, also accepted for LABEL) gives one pair whose
    value is the rest of the line. ``ARG NAME`` gives a pair with value None. Words without
    ``=`` in the ``k=v`` form of ENV and LABEL are skipped (BuildKit rejects them).
    """
    locator = Locator(argument_lines)
    words = [(match.start(), match.end()) for match in word_pattern(escape).finditer(text)]
    if not words:
        return []
    first_start, first_end = words[0]
    first = text[first_start:first_end]
    if keyword in ("ENV", "LABEL") and "=" not in first:
        key_span = locator.span(first_start, first_end)
        if len(words) < 2:
            return [KeyValue(unquote(first, escape), None, key_span, key_span)]
        rest = text[words[1][0] :]
        span = locator.span(first_start, len(text))
        return [KeyValue(unquote(first, escape), unquote(rest, escape), span, key_span, rest)]
    pairs: list[KeyValue] = []
    for start, end in words:
        word = text[start:end]
        equals = word.find("=")
        if equals < 0:
            if keyword == "ARG":
                span = locator.span(start, end)
                pairs.append(KeyValue(unquote(word, escape), None, span, span))
            continue
        pairs.append(
            KeyValue(
                unquote(word[:equals], escape),
                unquote(word[equals + 1 :], escape),
                locator.span(start, end),
                locator.span(start, start + equals),
                word[equals + 1 :],
            )
        )
    return pairs


class Locator:
    """Maps offsets in ``Instruction.arguments`` to file positions via its argument lines."""

    __slots__ = ("_lines", "_starts")

    def __init__(self, lines: tuple[SourceLine, ...]) -> None:
        self._lines = lines
        starts: list[int] = []
        offset = 0
        for line in lines:
            starts.append(offset)
            offset += len(line.text)
        self._starts = starts

    def position(self, offset: int) -> Position:
        if not self._lines:
            return Position(1, 1)
        index = max(bisect_right(self._starts, offset) - 1, 0)
        line = self._lines[index]
        return Position(line.line, line.column + offset - self._starts[index])

    def span(self, start: int, end: int) -> Span:
        if end <= start:
            position = self.position(start)
            return Span(position, position)
        last = self.position(end - 1)
        return Span(self.position(start), Position(last.line, last.column + 1))
