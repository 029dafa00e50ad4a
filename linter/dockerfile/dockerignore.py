""".dockerignore matching with Docker's own semantics (moby/patternmatcher + BuildKit).

Facts this module follows, as Docker documents and implements them:
- a line is a comment only when ``#`` is its first character; other lines are trimmed, blank
  ones skipped; a UTF-8 BOM on the first line is dropped;
- ``!`` starts an exception; patterns are cleaned like Go's ``filepath.Clean`` and a leading
  ``/`` is removed, so patterns are relative to the context root;
- ``*`` and ``?`` never cross ``/``; ``**`` matches any number of directories (zero too);
  ``[...]`` classes (``[^...]`` negates); ``\\`` escapes the next character;
- every line is evaluated in order and the last one that matches wins;
- a path is excluded when it, or one of its parent directories, matches.
"""

from __future__ import annotations

import re
from pathlib import Path

from linter.diagnostics import Span
from linter.records import field, record

__all__ = ["DockerIgnore", "Pattern", "clean_path", "find_dockerignore"]


def clean_path(path: str) -> str:
    """Go's ``filepath.Clean`` for slash-separated paths: ``a//b/./c/..`` -> ``a/b``."""
    if not path:
        return "."
    rooted = path.startswith("/")
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not rooted:
                parts.append(part)
            continue
        parts.append(part)
    cleaned = "/".join(parts)
    if rooted:
        return "/" + cleaned
    return cleaned or "."


class _BadPattern(ValueError):
    """A pattern Docker rejects (``filepath.ErrBadPattern``): the build fails."""


def _class_char(pattern: str, index: int) -> tuple[str, int]:
    """One (possibly escaped) character of a class; a bare ``-`` or ``]`` is malformed (Go)."""
    if index >= len(pattern):
        raise _BadPattern("unterminated character class")
    char = pattern[index]
    if char == "\\":
        if index + 1 >= len(pattern):
            raise _BadPattern("unterminated character class")
        return pattern[index + 1], index + 2
    if char in "-]":
        raise _BadPattern(f"unexpected {char!r} in a character class")
    return char, index + 1


def _character_class(pattern: str, index: int) -> tuple[str, int]:
    """Translate the class opening at ``pattern[index] == '['``; returns (regex, next index)."""
    out = ["["]
    index += 1
    if index < len(pattern) and pattern[index] == "^":
        out.append("^")
        index += 1
    items = 0
    while True:
        if items and index < len(pattern) and pattern[index] == "]":
            out.append("]")
            return "".join(out), index + 1
        low, index = _class_char(pattern, index)
        if index < len(pattern) and pattern[index] == "-":
            high, index = _class_char(pattern, index + 1)
            if high < low:
                raise _BadPattern(f"empty range {low}-{high} in a character class")
            out.append(f"{re.escape(low)}-{re.escape(high)}")
        else:
            out.append(re.escape(low))
        items += 1


def _translate(pattern: str) -> str:
    """The anchored regular expression Docker builds for a cleaned pattern."""
    out = ["^"]
    index = 0
    length = len(pattern)
    while index < length:
        char = pattern[index]
        if char == "*":
            if index + 1 < length and pattern[index + 1] == "*":
                index += 2
                if index < length and pattern[index] == "/":
                    index += 1  # "**/" is the same as "**"
                out.append(".*" if index >= length else "(?:.*/)?")
                continue
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            regex, index = _character_class(pattern, index)
            out.append(regex)
            continue
        elif char == "\\":
            if index + 1 >= length:
                raise _BadPattern("trailing backslash")
            index += 1
            out.append(re.escape(pattern[index]))
        else:
            out.append(re.escape(char))
        index += 1
    out.append("$")
    return "".join(out)


@record
class Pattern:
    """One line of a .dockerignore, cleaned the way Docker cleans it."""

    text: str  # cleaned pattern, without the leading '!'
    negated: bool  # an exception: ``!pattern`` re-includes what it matches
    line: int  # 1-based line in the file
    span: Span  # the pattern as written on its line (trimmed)
    raw: str = ""  # the trimmed line as written
    error: str | None = None  # why Docker would reject it (the build fails); never matches
    _regex: re.Pattern[str] | None = field(default=None, compare=False, repr=False)
    # Docker matches ``**`` + literal text as a plain suffix: ``**foo`` matches ``barfoo``.
    _suffix: str | None = field(default=None, compare=False, repr=False)

    def match(self, path: str) -> bool:
        """Whether the pattern matches this cleaned path itself (not its parents)."""
        if self._suffix is not None:
            suffix = self._suffix
            return path.endswith(suffix) or (suffix[:1] == "/" and path == suffix[1:])
        return self._regex is not None and self._regex.match(path) is not None

    def match_or_parent(self, path: str) -> bool:
        """Whether the pattern matches the path or one of its parent directories."""
        if self.match(path):
            return True
        parts = path.split("/")
        return any(self.match("/".join(parts[:depth])) for depth in range(1, len(parts)))


_WILDCARDS = frozenset("*?[]\\")


def _compile(text: str, negated: bool, line: int, span: Span, raw: str) -> Pattern:
    if text.startswith("**") and not _WILDCARDS.intersection(text[2:]):
        return Pattern(text, negated, line, span, raw, None, None, text[2:])
    try:
        regex: re.Pattern[str] | None = re.compile(_translate(text))
        error = None
    except (_BadPattern, re.error) as problem:
        regex = None
        error = f"invalid pattern {raw!r}: {problem}"
    return Pattern(text, negated, line, span, raw, error, regex)


@record
class DockerIgnore:
    """The patterns of one .dockerignore and the questions rules ask of them."""

    patterns: tuple[Pattern, ...]

    @classmethod
    def parse(cls, text: str) -> DockerIgnore:
        patterns: list[Pattern] = []
        for number, physical in enumerate(text.splitlines(), start=1):
            line = physical
            offset = 0
            if number == 1 and line.startswith("\ufeff"):
                line = line[1:]
                offset = 1
            if line.startswith("#"):
                continue
            stripped = line.strip()
            if not stripped:
                continue
            start = offset + len(line) - len(line.lstrip())
            span = Span.of(number, start + 1, number, start + len(stripped) + 1)
            body = stripped
            negated = body.startswith("!")
            if negated:
                body = body[1:].strip()
            if not body:
                patterns.append(
                    Pattern("", negated, number, span, stripped, 'illegal exclusion pattern: "!"')
                )
                continue
            cleaned = clean_path(body)
            if len(cleaned) > 1 and cleaned.startswith("/"):
                cleaned = cleaned[1:]
            patterns.append(_compile(cleaned, negated, number, span, stripped))
        return cls(tuple(patterns))

    @property
    def errors(self) -> tuple[Pattern, ...]:
        """Patterns Docker rejects: a build with this .dockerignore fails."""
        return tuple(pattern for pattern in self.patterns if pattern.error is not None)

    def match_line(self, path: str) -> Pattern | None:
        """The pattern that decides whether ``path`` is excluded (None: no pattern matched).

        The result is an exclusion pattern when the path is excluded, an exception (``!``)
        when an exception re-included it after an exclusion.
        """
        cleaned = clean_path(path.replace("\\", "/").lstrip("/") or ".")
        if cleaned in (".", "..") or cleaned.startswith("../"):
            return None
        matched = False
        decider: Pattern | None = None
        for pattern in self.patterns:
            # Docker only evaluates exceptions once excluded and exclusions while included.
            if pattern.negated != matched:
                continue
            if pattern.match_or_parent(cleaned):
                matched = not pattern.negated
                decider = pattern
        return decider

    def matches(self, path: str) -> bool:
        """Whether this context-relative path (forward slashes) is left out of the context."""
        decider = self.match_line(path)
        return decider is not None and not decider.negated

    def excludes_everything_under(self, directory: str) -> bool:
        """Whether ``directory`` is excluded and no later exception can bring back anything in it.

        Docker then never even walks the directory; ``COPY dir/...`` finds nothing.
        """
        decider = self.match_line(directory)
        if decider is None or decider.negated:
            return False
        return not self.reincludes_under(directory, after=decider)

    def reincludes_under(self, directory: str, after: Pattern | None = None) -> bool:
        """Whether an exception (after ``after``, if given) may re-include a path in ``directory``.

        Exact for literal patterns; for wildcards it answers "maybe" (True) unless a path
        segment rules the exception out.
        """
        cleaned = clean_path(directory.replace("\\", "/").strip("/") or ".")
        parts = [] if cleaned == "." else cleaned.split("/")
        seen = after is None
        for pattern in self.patterns:
            if not seen:
                seen = pattern is after
                continue
            if pattern.negated and pattern.error is None and _may_reach(pattern.text, parts):
                return True
        return False


def _segment_regex(segment: str) -> re.Pattern[str] | None:
    try:
        return re.compile(_translate(segment))
    except (_BadPattern, re.error):
        return None


def _may_reach(pattern: str, directory: list[str]) -> bool:
    """Whether ``pattern`` can match ``directory``, an ancestor of it, or a path inside it."""
    segments = pattern.split("/")
    for depth, segment in enumerate(segments):
        if "**" in segment:
            return True
        if depth >= len(directory):
            return True  # the pattern goes on below the directory
        regex = _segment_regex(segment)
        if regex is None or regex.match(directory[depth]) is None:
            return False
    return True  # the pattern names the directory or one of its parents


def find_dockerignore(context_dir: Path, dockerfile: Path | None) -> Path | None:
    """The ignore file BuildKit uses for this build.

    ``<Dockerfile name>.dockerignore`` beside the Dockerfile (``app.Dockerfile.dockerignore``)
    wins over ``.dockerignore`` at the root of the context.
    """
    if dockerfile is not None:
        specific = dockerfile.with_name(dockerfile.name + ".dockerignore")
        if specific.is_file():
            return specific
    default = context_dir / ".dockerignore"
    if default.is_file():
        return default
    return None
