"""Physical lines -> logical instructions, the way BuildKit's parser reads a Dockerfile.

This module knows about lines, directives, comments, the escape character, continuations
and here-documents. It does not know what an instruction means beyond what BuildKit's own
reader needs (whether a line may carry heredocs). ``linter.dockerfile.parser`` turns the
``LogicalLine`` values into AST nodes.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

from linter.diagnostics import Position, Span
from linter.records import field, record

# Go's unicode.IsSpace, which BuildKit uses to trim lines.
GO_SPACE = (
    " \t\n\v\f\r\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000"
)
# BuildKit splits the command word from its arguments on these only.
COMMAND_SPACE = "\t\v\f\r "

DIRECTIVE_NAMES = frozenset({"syntax", "escape", "check"})
_DIRECTIVE_RE = re.compile(r"#[ \t]*([a-zA-Z][a-zA-Z0-9]*)[ \t]*=[ \t]*(.+?)[ \t]*$")
_HEREDOC_RE = re.compile(r"(\d*)<<(-?)([^<]*)$")
# Instructions whose (non-JSON) form may carry heredocs.
HEREDOC_KEYWORDS = frozenset({"RUN", "COPY", "ADD"})
# Instructions whose arguments BuildKit tries as a JSON array first.
JSON_KEYWORDS = frozenset({"RUN", "CMD", "ENTRYPOINT", "SHELL", "ADD", "COPY", "VOLUME"})


@lru_cache(maxsize=4)
def word_pattern(escape: str) -> re.Pattern[str]:
    """A shell-ish word: runs of non-space, quoted strings (possibly unterminated), escapes.

    Mirrors BuildKit's ``parseWords``: the escape character escapes anything outside quotes
    and inside double quotes; nothing is special inside single quotes.
    """
    esc = re.escape(escape)
    return re.compile(
        rf"(?:[^\s'\"{esc}]+|{esc}[\s\S]?|'[^']*'?|\"(?:[^\"{esc}]|{esc}[\s\S]?)*\"?)+"
    )


@lru_cache(maxsize=4)
def continuation_pattern(escape: str) -> re.Pattern[str]:
    """A line continues when it ends with one escape character that is not itself escaped.

    BuildKit ends ``C:\\Windows\\`` (an escaped backslash, common in Windows images) there;
    checked against BuildKit's parser with one to four trailing escapes.
    """
    escaped = re.escape(escape)
    return re.compile(rf"(?<!{escaped}){escaped}[ \t]*$")


def match_directive(stripped: str) -> tuple[str, str] | None:
    """``(name, value)`` when the left-trimmed line looks like a known parser directive."""
    match = _DIRECTIVE_RE.match(stripped)
    if match is None:
        return None
    name = match.group(1).lower()
    if name not in DIRECTIVE_NAMES:
        return None
    return name, match.group(2)


def split_lines(text: str) -> list[str]:
    """Physical lines without their ``\\n`` or ``\\r\\n`` ending (BuildKit splits on ``\\n``)."""
    if not text:
        return []
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
        return [line[:-1] if line.endswith("\r") else line for line in lines]
    last = lines.pop()
    result = [line[:-1] if line.endswith("\r") else line for line in lines]
    result.append(last)
    return result


@record(frozen=False, compiled=True)
class Segment:
    """A piece of a logical line taken from one physical line."""

    offset: int  # where the piece starts in the logical text
    line: int  # 1-based physical line
    column: int  # 1-based column of the piece's first character
    text: str


@record(frozen=False)
class RawHeredoc:
    delimiter: str
    strip_tabs: bool
    quoted: bool
    marker_start: int  # offsets of the ``<<EOF`` word in the logical text
    marker_end: int
    body_lines: list[tuple[int, int, str]] = field(default_factory=list)  # line, column, text
    terminator_line: int | None = None  # None when unterminated
    end: Position | None = None  # exclusive end of the terminator (or of the file)


@record(frozen=False, compiled=True)
class LogicalLine:
    """One instruction as BuildKit sees it: continuation lines joined, heredocs attached."""

    text: str
    segments: list[Segment]
    end: Position  # exclusive end of the whole instruction, heredocs included
    heredocs: list[RawHeredoc] = field(default_factory=list)
    _offsets: list[int] = field(default_factory=list)

    def _segment(self, offset: int) -> Segment:
        segments = self.segments
        if len(segments) == 1 or offset < segments[1].offset:
            return segments[0]
        if not self._offsets:
            self._offsets = [segment.offset for segment in segments]
        return segments[max(bisect_right(self._offsets, offset) - 1, 0)]

    def position(self, offset: int) -> Position:
        """The file position of the character at ``offset`` in ``text``."""
        segment = self._segment(offset)
        return Position(segment.line, segment.column + offset - segment.offset)

    def span(self, start: int, end: int) -> Span:
        segment = self._segment(start)
        first = Position(segment.line, segment.column + start - segment.offset)
        if end <= start:
            return Span(first, first)
        if end - segment.offset > len(segment.text):
            segment = self._segment(end - 1)
        return Span(first, Position(segment.line, segment.column + end - segment.offset))

    def end_span(self) -> Span:
        """An empty span at the end of the instruction."""
        return Span(self.end, self.end)


@record(frozen=False)
class RawDirective:
    name: str
    value: str
    line: int
    column: int
    end_column: int
    honoured: bool


@record(frozen=False, compiled=True)
class RawComment:
    text: str
    line: int
    column: int
    end_column: int


@record(frozen=False)
class LexError:
    kind: str
    message: str
    span: Span


@record(frozen=False)
class LexResult:
    lines: list[str]
    escape: str
    directives: list[RawDirective]
    comments: list[RawComment]
    logical_lines: list[LogicalLine]
    errors: list[LexError]


def command_parts(text: str, start: int = 0) -> tuple[int, int, int]:
    """Offsets of the command word (start, end) and where the rest starts."""
    length = len(text)
    while start < length and text[start] in GO_SPACE:
        start += 1
    end = start
    while end < length and text[end] not in COMMAND_SPACE:
        end += 1
    rest = end
    while rest < length and text[rest] in COMMAND_SPACE:
        rest += 1
    return start, end, rest


def flag_words(text: str, start: int) -> tuple[list[re.Match[str]], int]:
    """The leading ``--flag`` words after ``start`` and the offset where arguments start.

    Like BuildKit's ``extractBuilderFlags``: flags are words starting with ``--`` (quotes
    and ``\\`` escapes allowed inside), a bare ``--`` ends them.
    """
    pattern = word_pattern("\\")
    found: list[re.Match[str]] = []
    position = start
    while True:
        match = pattern.search(text, position)
        if match is None:
            return found, len(text)
        if not match.group().startswith("--"):
            return found, match.start()
        position = match.end()
        if match.group() == "--":
            return found, position
        found.append(match)


def skip_flags(text: str, start: int) -> int:
    """Offset where the arguments start once the leading ``--flag`` words are skipped."""
    return flag_words(text, start)[1]


def json_array(text: str) -> list[str] | bool | None:
    """The decoded list for exec form; None when not JSON; False when not a string array."""
    stripped = text.strip(GO_SPACE)
    if not stripped.startswith("["):
        return None
    import json  # only files with an exec-form instruction pay for it

    try:
        value = json.loads(stripped)
    except (ValueError, RecursionError):
        return None
    if not isinstance(value, list):
        return None
    if all(isinstance(item, str) for item in value):
        return value
    return False


def _heredoc_capable(text: str) -> bool:
    """Whether BuildKit would look for heredocs in this logical line."""
    start, end, rest = command_parts(text)
    keyword = text[start:end].upper()
    if keyword == "ONBUILD":
        text = text[skip_flags(text, rest) :]
        start, end, rest = command_parts(text)
        keyword = text[start:end].upper()
    if keyword not in HEREDOC_KEYWORDS:
        return False
    arguments = text[skip_flags(text, rest) :]
    return not isinstance(json_array(arguments), list)


def heredoc_markers(text: str) -> list[RawHeredoc]:
    """The heredoc words of a logical line, in order (BuildKit always uses ``\\`` here)."""
    found: list[RawHeredoc] = []
    for match in word_pattern("\\").finditer(text):
        word = match.group()
        if "<<" not in word:
            continue
        marker = _HEREDOC_RE.match(word)
        if marker is None or not marker.group(3):
            continue
        rest = marker.group(3)
        name = unquote_word(rest, "\\")
        if not name:
            continue
        quoted = name.count("'") + name.count('"') != rest.count("'") + rest.count('"')
        found.append(
            RawHeredoc(
                delimiter=name,
                strip_tabs=marker.group(2) == "-",
                quoted=quoted,
                marker_start=match.start(),
                marker_end=match.end(),
            )
        )
    return found


def unquote_word(word: str, escape: str) -> str:
    """Remove quotes and escapes from one word, without expanding variables."""
    if "'" not in word and '"' not in word and escape not in word:
        return word
    out: list[str] = []
    index = 0
    length = len(word)
    quote = ""
    while index < length:
        char = word[index]
        if quote == "'":
            if char == "'":
                quote = ""
            else:
                out.append(char)
        elif quote == '"':
            if char == '"':
                quote = ""
            elif char == escape and index + 1 < length and word[index + 1] in ('"', "$", escape):
                index += 1
                out.append(word[index])
            else:
                out.append(char)
        elif char in "'\"":
            quote = char
        elif char == escape:
            if index + 1 < length:
                index += 1
                out.append(word[index])
        else:
            out.append(char)
        index += 1
    return "".join(out)


def lex(text: str) -> LexResult:
    """Read the file line by line like BuildKit's ``parser.Parse``; never raises."""
    lines = split_lines(text)
    escape = "\\"
    continuation = continuation_pattern(escape)
    directives: list[RawDirective] = []
    comments: list[RawComment] = []
    logical_lines: list[LogicalLine] = []
    errors: list[LexError] = []
    seen_directives: set[str] = set()
    directives_done = False
    count = len(lines)
    index = 0
    while index < count:
        raw = lines[index]
        number = index + 1
        stripped = raw.lstrip(GO_SPACE)
        column = len(raw) - len(stripped) + 1
        end_column = len(raw) + 1
        index += 1
        if stripped.startswith("#"):
            directive = match_directive(stripped)
            if directive is not None and not directives_done:
                name, value = directive
                honoured = True
                if name in seen_directives:
                    honoured = False
                    errors.append(
                        LexError(
                            "duplicate-directive",
                            f"only one {name} parser directive can be used",
                            Span.of(number, column, number, end_column),
                        )
                    )
                elif name == "escape":
                    if value in ("\\", "`"):
                        escape = value
                        continuation = continuation_pattern(escape)
                    else:
                        honoured = False
                        errors.append(
                            LexError(
                                "bad-directive",
                                f"invalid escape token {value!r} does not match ` or \\",
                                Span.of(number, column, number, end_column),
                            )
                        )
                seen_directives.add(name)
                directives.append(RawDirective(name, value, number, column, end_column, honoured))
                continue
            directives_done = True
            if directive is not None:
                directives.append(
                    RawDirective(directive[0], directive[1], number, column, end_column, False)
                )
            comments.append(RawComment(stripped[1:].strip(), number, column, end_column))
            continue
        directives_done = True
        if not stripped:
            continue
        logical = _read_instruction(
            lines, index - 1, stripped, column, continuation, comments, errors
        )
        index = logical[1]
        line = logical[0]
        if "<<" in line.text and _heredoc_capable(line.text):
            line.heredocs = heredoc_markers(line.text)
            index = _read_heredocs(lines, index, line, errors)
        logical_lines.append(line)
    return LexResult(lines, escape, directives, comments, logical_lines, errors)


def _read_instruction(
    lines: list[str],
    index: int,
    stripped: str,
    column: int,
    continuation: re.Pattern[str],
    comments: list[RawComment],
    errors: list[LexError],
) -> tuple[LogicalLine, int]:
    """Join the continuation lines of the instruction starting at ``lines[index]``."""
    number = index + 1
    match = continuation.search(stripped)
    body = stripped if match is None else stripped[: match.start()]
    segments = [Segment(0, number, column, body)]
    parts = [body]
    length = len(body)
    continued = match is not None
    last = index
    empty_lines: list[int] = []
    count = len(lines)
    while continued and last + 1 < count:
        last += 1
        raw = lines[last]
        inner = raw.lstrip(GO_SPACE)
        if inner.startswith("#"):
            comments.append(
                RawComment(inner[1:].strip(), last + 1, len(raw) - len(inner) + 1, len(raw) + 1)
            )
            continue
        if not inner:
            empty_lines.append(last + 1)
            continue
        match = continuation.search(raw)
        body = raw if match is None else raw[: match.start()]
        continued = match is not None
        segments.append(Segment(length, last + 1, 1, body))
        parts.append(body)
        length += len(body)
    for empty in empty_lines:
        errors.append(
            LexError(
                "empty-continuation",
                "empty continuation line (BuildKit NoEmptyContinuation; it will become an error)",
                Span.of(empty, 1, empty, len(lines[empty - 1]) + 1),
            )
        )
    if continued:
        errors.append(
            LexError(
                "trailing-escape",
                "the last line ends with a line continuation",
                Span.of(last + 1, 1, last + 1, len(lines[last]) + 1),
            )
        )
    end = Position(last + 1, len(lines[last]) + 1)
    return LogicalLine("".join(parts), segments, end), last + 1


def _read_heredocs(lines: list[str], index: int, line: LogicalLine, errors: list[LexError]) -> int:
    """Consume the bodies of ``line``'s heredocs, in order; returns the next line index."""
    count = len(lines)
    for heredoc in line.heredocs:
        while index < count:
            raw = lines[index]
            index += 1
            candidate = raw.lstrip("\t") if heredoc.strip_tabs else raw
            if candidate == heredoc.delimiter:
                heredoc.terminator_line = index
                heredoc.end = Position(index, len(raw) + 1)
                break
            if heredoc.strip_tabs:
                heredoc.body_lines.append((index, len(raw) - len(candidate) + 1, candidate))
            else:
                heredoc.body_lines.append((index, 1, raw))
        if heredoc.terminator_line is None:
            end = Position(count, len(lines[-1]) + 1) if count else Position(1, 1)
            heredoc.end = max(end, line.end)
            errors.append(
                LexError(
                    "unterminated-heredoc",
                    f"unterminated heredoc: no line {heredoc.delimiter!r} "
                    "before the end of the file",
                    line.span(heredoc.marker_start, heredoc.marker_end),
                )
            )
        if heredoc.end is not None and heredoc.end > line.end:
            line.end = heredoc.end
    return index
