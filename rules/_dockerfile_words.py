"""Small helpers the structure, stage, instruction and label rules share.

They answer questions about words of the Dockerfile AST (quotes, ``$VAR`` references,
``key=value`` pairs, ``--from`` targets) without re-parsing instruction text. Other rule
packs may import this module read-only.
"""

from __future__ import annotations

from collections.abc import Iterable

from linter import Position, Span
from linter.dockerfile.ast import Dockerfile, Instruction, Stage, Word
from linter.records import record

# ARGs BuildKit defines without a declaration (usable in FROM and, once declared, in stages).
AUTOMATIC_PLATFORM_ARGS = frozenset(
    {
        "TARGETPLATFORM",
        "TARGETOS",
        "TARGETARCH",
        "TARGETVARIANT",
        "BUILDPLATFORM",
        "BUILDOS",
        "BUILDARCH",
        "BUILDVARIANT",
        "TARGETSTAGE",
        "BUILDKIT_SYNTAX",
    }
)
PROXY_ARGS = frozenset(
    {
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "FTP_PROXY",
        "NO_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "ftp_proxy",
        "no_proxy",
        "all_proxy",
    }
)
PREDEFINED_ARGS = (
    AUTOMATIC_PLATFORM_ARGS
    | PROXY_ARGS
    | frozenset(
        {
            "BUILDKIT_CACHE_MOUNT_NS",
            "BUILDKIT_CONTEXT_KEEP_GIT_DIR",
            "BUILDKIT_INLINE_CACHE",
            "BUILDKIT_MULTI_PLATFORM",
            "BUILDKIT_SANDBOX_HOSTNAME",
            "SOURCE_DATE_EPOCH",
        }
    )
)


def unquote(text: str) -> str:
    """Drop one pair of matching surrounding quotes."""
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def strip_quotes(text: str) -> str:
    """Remove every unescaped quote character, as the Dockerfile word splitter does."""
    out = []
    quote = ""
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and quote != "'" and index + 1 < len(text):
            out.append(text[index + 1])
            index += 2
            continue
        if quote and char == quote:
            quote = ""
        elif not quote and char in "\"'":
            quote = char
        else:
            out.append(char)
        index += 1
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# variable references


@record(compiled=True)
class VarRef:
    """A ``$NAME`` or ``${NAME...}`` in a word; offsets index the word's text."""

    name: str
    start: int
    end: int
    has_default: bool  # ``${NAME:-x}``, ``${NAME-x}``, ``${NAME:+x}``, ``${NAME+x}``, ``?``


def _is_name_char(char: str, first: bool) -> bool:
    return char == "_" or char.isalpha() or (not first and char.isdigit())


def variable_refs(text: str, escape: str = "\\") -> list[VarRef]:
    """The variables a Dockerfile word refers to, in order (single quotes stop expansion).

    Default texts (``${A:-$B}``) are scanned too, and their references reported.
    """
    refs: list[VarRef] = []
    index = 0
    in_single = False
    in_double = False
    length = len(text)
    while index < length:
        char = text[index]
        if char == escape and not in_single and index + 1 < length:
            index += 2
            continue
        if char == "'" and not in_double:
            in_single = not in_single
            index += 1
            continue
        if char == '"' and not in_single:
            in_double = not in_double
            index += 1
            continue
        if char != "$" or in_single or index + 1 >= length:
            index += 1
            continue
        start = index
        following = text[index + 1]
        if following == "{":
            close = _closing_brace(text, index + 2)
            inner = text[index + 2 : close]
            name_end = 0
            while name_end < len(inner) and _is_name_char(inner[name_end], name_end == 0):
                name_end += 1
            name = inner[:name_end]
            rest = inner[name_end:]
            if name:
                refs.append(VarRef(name, start, min(close + 1, length), bool(rest)))
                if rest:
                    offset = index + 2 + name_end
                    for inner_ref in variable_refs(rest, escape):
                        refs.append(
                            VarRef(
                                inner_ref.name,
                                inner_ref.start + offset,
                                inner_ref.end + offset,
                                inner_ref.has_default,
                            )
                        )
            index = close + 1
            continue
        if _is_name_char(following, True):
            end = index + 1
            while end < length and _is_name_char(text[end], end == index + 1):
                end += 1
            refs.append(VarRef(text[index + 1 : end], start, end, False))
            index = end
            continue
        index += 1
    return refs


def _closing_brace(text: str, index: int) -> int:
    depth = 1
    while index < len(text):
        if text[index] == "{":
            depth += 1
        elif text[index] == "}":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return len(text)


# ---------------------------------------------------------------------------------------------
# positions


def sub_span(span: Span, text: str, start: int, end: int) -> Span:
    """The span of ``text[start:end]`` when ``text`` is written at ``span`` on one line."""
    if span.start.line != span.end.line or span.end.column - span.start.column != len(text):
        return span
    line = span.start.line
    return Span(Position(line, span.start.column + start), Position(line, span.start.column + end))


def word_span(word: Word, start: int, end: int) -> Span:
    return sub_span(word.span, word.text, start, end)


# ---------------------------------------------------------------------------------------------
# key=value instructions (ENV, LABEL, ARG)


def is_legacy_key_value(instruction: Instruction) -> bool:
    """``ENV key value`` / ``LABEL key value``: the first word has no ``=``."""
    if instruction.keyword not in {"ENV", "LABEL"} or not instruction.words:
        return False
    return "=" not in instruction.words[0].text


# ---------------------------------------------------------------------------------------------
# stages


def resolve_from(dockerfile: Dockerfile, value: str, before: int | None = None) -> Stage | None:
    """The stage a ``--from=`` / ``from=`` value names (by name or index), if it is a stage.

    With ``before``, only stages with a lower index count (a stage cannot use a later one).
    """
    candidates = dockerfile.stages if before is None else dockerfile.stages[:before]
    if value.isdigit():
        index = int(value)
        return candidates[index] if index < len(candidates) else None
    lowered = value.lower()
    for stage in candidates:
        if stage.name is not None and stage.name.lower() == lowered:
            return stage
    return None


def mount_from(instruction: Instruction) -> list[tuple[str, Span]]:
    """The ``from=`` values of ``RUN --mount`` flags, with the flag's span."""
    found = []
    for flag in instruction.flags:
        if flag.name != "mount" or not flag.value:
            continue
        for part in flag.value.split(","):
            key, _, value = part.partition("=")
            if key.strip().lower() == "from" and value.strip():
                found.append((unquote(value.strip()), flag.span))
    return found


def effective(instruction: Instruction) -> Instruction:
    """The instruction itself, or the one wrapped by ONBUILD."""
    return instruction.onbuild if instruction.onbuild is not None else instruction


def stage_chain(dockerfile: Dockerfile, stage: Stage) -> list[Stage]:
    """The stage and the local stages it is built ``FROM``, nearest first."""
    chain = [stage]
    seen = {stage.index}
    while chain[-1].base_stage is not None and chain[-1].base_stage not in seen:
        parent = dockerfile.stages[chain[-1].base_stage]
        seen.add(parent.index)
        chain.append(parent)
    return chain


def closest(name: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The candidate ``name`` was most likely meant to be, for "did you mean" hints."""
    import difflib  # only findings pay for it, not every run

    found = difflib.get_close_matches(name, list(candidates), 1, cutoff)
    return found[0] if found else None
