"""The shell view of RUN: simple commands with argv words and exact file positions.

Rules reason on these commands (program, options, positionals, pipelines, ``&&`` chains)
instead of on regular expressions over raw text. Parsing uses tree-sitter-bash, which never
raises, is fast, and handles the constructs seen in official images (``case``, ``[[ ]]``,
arithmetic, arrays). The parser object is created once, on first use.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from linter.diagnostics import Edit, Position, Span
from linter.dockerfile.ast import Instruction, SourceLine
from linter.records import field, record, replace

if TYPE_CHECKING:
    from tree_sitter import Node, Parser

__all__ = [
    "Command",
    "Option",
    "ShellScript",
    "ShellWord",
    "basename",
    "is_posix_shell",
    "parse_instruction",
    "parse_script",
    "program_chain",
    "program_start",
    "split_arguments",
    "unquote",
    "unquote_offsets",
]


# ----------------------------------------------------------------------------- words


@record(compiled=True)
class ShellWord:
    """One shell word: its value with quotes removed, and where it is written."""

    text: str  # unquoted; expansions such as ``$x`` or ``$(cmd)`` are kept as written
    raw: str  # as written, quotes included
    span: Span
    quoted: bool  # some part is quoted or escaped
    literal: bool = True  # no parameter, command or arithmetic expansion: ``text`` is exact

    def __str__(self) -> str:
        return self.text


_NAME_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_NAME_CHARS = _NAME_START | frozenset("0123456789")
_SPECIAL_PARAMS = frozenset("@*#?$!-0123456789")
_DOUBLE_QUOTE_ESCAPES = frozenset('$`"\\\n')
_ANSI_ESCAPES = {
    "a": "\a",
    "b": "\b",
    "e": "\x1b",
    "E": "\x1b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\\": "\\",
    "'": "'",
    '"': '"',
    "?": "?",
}


def skip_balanced(raw: str, index: int, opener: str, closer: str) -> int:
    """Index just past the ``closer`` matching the ``opener`` at ``raw[index - 1]``, quotes
    and escapes skipped (the end of ``$(...)`` or ``${...}``)."""
    depth = 1
    length = len(raw)
    while index < length:
        char = raw[index]
        if char == "\\":
            index += 2
            continue
        if char == "'" and opener == "(":
            end = raw.find("'", index + 1)
            index = length if end < 0 else end + 1
            continue
        if char == '"':
            index = _skip_double(raw, index + 1)
            continue
        if char == opener:
            depth += 1
        elif char == closer:
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    return length


def _skip_double(raw: str, index: int) -> int:
    """Index just past the closing double quote of a string opened before ``index``."""
    length = len(raw)
    while index < length:
        char = raw[index]
        if char == "\\":
            index += 2
            continue
        if char == '"':
            return index + 1
        if char == "$" and index + 1 < length and raw[index + 1] in "({":
            index = _expansion_end(raw, index)
            continue
        if char == "`":
            end = raw.find("`", index + 1)
            index = length if end < 0 else end + 1
            continue
        index += 1
    return length


def _expansion_end(raw: str, index: int) -> int:
    """End of the ``$...`` expansion starting at ``raw[index] == '$'``, or ``index`` if none."""
    nxt = raw[index + 1] if index + 1 < len(raw) else ""
    if nxt == "(":
        return skip_balanced(raw, index + 2, "(", ")")
    if nxt == "{":
        return skip_balanced(raw, index + 2, "{", "}")
    if nxt in _SPECIAL_PARAMS:
        return index + 2
    if nxt in _NAME_START:
        end = index + 2
        while end < len(raw) and raw[end] in _NAME_CHARS:
            end += 1
        return end
    return index


def _ansi_c(raw: str, index: int, out: list[str]) -> int:
    """Decode a ``$'...'`` body starting at ``index``; returns the index past the quote."""
    length = len(raw)
    while index < length:
        char = raw[index]
        if char == "'":
            return index + 1
        if char == "\\" and index + 1 < length:
            code = raw[index + 1]
            if code in _ANSI_ESCAPES:
                out.append(_ANSI_ESCAPES[code])
                index += 2
                continue
            if code == "x":
                digits = _take(raw, index + 2, "0123456789abcdefABCDEF", 2)
                if digits:
                    out.append(chr(int(digits, 16)))
                    index += 2 + len(digits)
                    continue
            if code in "01234567":
                digits = _take(raw, index + 1, "01234567", 3)
                out.append(chr(int(digits, 8) & 0xFF))
                index += 1 + len(digits)
                continue
            out.append(char + code)
            index += 2
            continue
        out.append(char)
        index += 1
    return length


def _take(raw: str, index: int, allowed: str, limit: int) -> str:
    end = index
    while end < len(raw) and end - index < limit and raw[end] in allowed:
        end += 1
    return raw[index:end]


_NEEDS_UNQUOTING = re.compile(r"[\\'\"$`]")


def unquote(raw: str) -> tuple[str, bool, bool]:
    """Remove shell quoting from one word: ``(value, quoted, literal)``.

    Expansions (``$x``, ``${x:-y}``, ``$(cmd)``, backticks, ``$((1+2))``) are kept as written and
    make the word non-literal. Globs and tildes are not expanded.
    """
    if _NEEDS_UNQUOTING.search(raw) is None:
        return raw, False, True
    out: list[str] = []
    quoted = False
    literal = True
    index = 0
    length = len(raw)
    while index < length:
        char = raw[index]
        if char == "\\":
            quoted = True
            if index + 1 < length and raw[index + 1] != "\n":
                out.append(raw[index + 1])
            index += 2
        elif char == "'":
            quoted = True
            end = raw.find("'", index + 1)
            end = length if end < 0 else end
            out.append(raw[index + 1 : end])
            index = end + 1
        elif char == '"':
            quoted = True
            end = _skip_double(raw, index + 1)
            body_end = end - 1 if end <= length and raw[end - 1 : end] == '"' else end
            value, inner_literal = _double_quoted(raw[index + 1 : body_end])
            literal = literal and inner_literal
            out.append(value)
            index = end
        elif char == "$" and raw[index + 1 : index + 2] == "'":
            quoted = True
            index = _ansi_c(raw, index + 2, out)
        elif char == "$" and raw[index + 1 : index + 2] == '"':
            index += 1  # $"..." is a translated string: same as "..."
        elif char in "$`":
            index, expanded = _copy_expansion(raw, index, out)
            literal = literal and not expanded
        else:
            out.append(char)
            index += 1
    return "".join(out), quoted, literal


def unquote_offsets(raw: str) -> tuple[str, tuple[int, ...]]:
    """``unquote(raw)``'s value and, for each of its characters, its index in ``raw``.

    For rules that point at part of a word (the value of ``--password=VALUE``). The decoded
    characters of a ``$'...'`` string with escapes all point at its ``$``.
    """
    out: list[str] = []
    where: list[int] = []
    index = 0
    length = len(raw)
    while index < length:
        char = raw[index]
        start = index
        if char == "\\":
            if index + 1 < length and raw[index + 1] != "\n":
                out.append(raw[index + 1])
                where.append(index + 1)
            index += 2
        elif char == "'":
            end = raw.find("'", index + 1)
            end = length if end < 0 else end
            out.append(raw[index + 1 : end])
            where.extend(range(index + 1, end))
            index = end + 1
        elif char == '"':
            end = _skip_double(raw, index + 1)
            body_end = end - 1 if end <= length and raw[end - 1 : end] == '"' else end
            _double_offsets(raw, index + 1, body_end, out, where)
            index = end
        elif char == "$" and raw[index + 1 : index + 2] == "'":
            decoded: list[str] = []
            index = _ansi_c(raw, index + 2, decoded)
            text = "".join(decoded)
            body = raw[start + 2 : index - 1 if raw[index - 1 : index] == "'" else index]
            out.append(text)
            where.extend(
                range(start + 2, start + 2 + len(text)) if text == body else [start] * len(text)
            )
        elif char == "$" and raw[index + 1 : index + 2] == '"':
            index += 1
        elif char in "$`":
            index, _expanded = _copy_expansion(raw, index, out)
            where.extend(range(start, start + len(out[-1])))
        else:
            out.append(char)
            where.append(index)
            index += 1
    return "".join(out), tuple(where)


def _double_offsets(raw: str, index: int, end: int, out: list[str], where: list[int]) -> None:
    """``unquote_offsets`` of the inside of a double-quoted string, ``raw[index:end]``."""
    while index < end:
        char = raw[index]
        if char == "\\" and index + 1 < end and raw[index + 1] in _DOUBLE_QUOTE_ESCAPES:
            if raw[index + 1] != "\n":
                out.append(raw[index + 1])
                where.append(index + 1)
            index += 2
        elif char in "$`":
            start = index
            index, _expanded = _copy_expansion(raw[:end], index, out)
            where.extend(range(start, start + len(out[-1])))
        else:
            out.append(char)
            where.append(index)
            index += 1


def _double_quoted(body: str) -> tuple[str, bool]:
    """The value of the inside of a double-quoted string and whether it is literal."""
    out: list[str] = []
    literal = True
    index = 0
    length = len(body)
    while index < length:
        char = body[index]
        if char == "\\" and index + 1 < length and body[index + 1] in _DOUBLE_QUOTE_ESCAPES:
            if body[index + 1] != "\n":
                out.append(body[index + 1])
            index += 2
        elif char in "$`":
            index, expanded = _copy_expansion(body, index, out)
            literal = literal and not expanded
        else:
            out.append(char)
            index += 1
    return "".join(out), literal


def _copy_expansion(text: str, index: int, out: list[str]) -> tuple[int, bool]:
    """Copy the ``$...`` or backtick expansion at ``index`` as written.

    Returns the index after it and whether it really was an expansion (a lone ``$`` is not).
    """
    if text[index] == "`":
        end = text.find("`", index + 1)
        end = len(text) if end < 0 else end + 1
        out.append(text[index:end])
        return end, True
    end = _expansion_end(text, index)
    if end == index:
        out.append("$")
        return index + 1, False
    out.append(text[index:end])
    return end, True


# -------------------------------------------------------------------------- commands

# Options that take a separate value, per program, so that ``subcommand()`` and
# ``positionals()`` skip the value (``apt-get -o Dpkg::Options=x install``).
# Options of yum that take a value (dnf takes them too).
_YUM_VALUE_OPTIONS = frozenset(
    {
        "-c",
        "--config",
        "-d",
        "--debuglevel",
        "-e",
        "--errorlevel",
        "--enablerepo",
        "--disablerepo",
        "-x",
        "--exclude",
        "--installroot",
        "--releasever",
        "--setopt",
    }
)
_VALUE_OPTIONS: dict[str, frozenset[str]] = {
    "apt-get": frozenset(
        {
            "-o",
            "--option",
            "-c",
            "--config-file",
            "-t",
            "--target-release",
            "--default-release",
            "-a",
            "--host-architecture",
        }
    ),
    "apt": frozenset({"-o", "--option", "-c", "--config-file", "-t", "--target-release"}),
    "apk": frozenset(
        {
            "-X",
            "--repository",
            "-p",
            "--root",
            "-t",
            "--virtual",
            "--repositories-file",
            "--keys-dir",
            "--cache-dir",
            "--arch",
        }
    ),
    "yum": _YUM_VALUE_OPTIONS,
    "dnf": _YUM_VALUE_OPTIONS | {"--repo", "--repoid"},  # dnf reads yum's options, and more
    "microdnf": frozenset({"--enablerepo", "--disablerepo", "--setopt", "--config"}),
    "zypper": frozenset({"-r", "--repo", "-c", "--config", "--root", "-R"}),
    "pip": frozenset(
        {
            "-r",
            "--requirement",
            "-c",
            "--constraint",
            "-i",
            "--index-url",
            "--extra-index-url",
            "-f",
            "--find-links",
            "-t",
            "--target",
            "--prefix",
            "--root",
            "--cache-dir",
            "--trusted-host",
            "-e",
            "--editable",
            "--python",
            "--src",
            "--progress-bar",
            "--platform",
            "--python-version",
            "--implementation",
            "--abi",
            "--log",
        }
    ),
    "npm": frozenset(
        {
            "--prefix",
            "--registry",
            "--cache",
            "--userconfig",
            "-w",
            "--workspace",
            "--omit",
            "--include",
            "--loglevel",
        }
    ),
    "yarn": frozenset(
        {"--cwd", "--registry", "--cache-folder", "--modules-folder", "--network-timeout"}
    ),
    "gem": frozenset(
        {
            "-v",
            "--version",
            "-s",
            "--source",
            "-i",
            "--install-dir",
            "-n",
            "--bindir",
            "-P",
            "--trust-policy",
            "--platform",
        }
    ),
    "go": frozenset({"-o", "-C", "-mod", "-modfile", "-tags", "-ldflags", "-gcflags", "-p"}),
    "curl": frozenset(
        {
            "-o",
            "--output",
            "-H",
            "--header",
            "-d",
            "--data",
            "-X",
            "--request",
            "-u",
            "--user",
            "-A",
            "--user-agent",
            "-e",
            "--referer",
            "-m",
            "--max-time",
            "--retry",
            "--connect-timeout",
            "-w",
            "--write-out",
            "-T",
            "--upload-file",
            "-x",
            "--proxy",
            "-b",
            "--cookie",
            "-c",
            "--cookie-jar",
            "-F",
            "--form",
            "--cacert",
            "--cert",
            "--key",
            "-r",
            "--range",
            "--retry-delay",
            "--retry-max-time",
            "-K",
            "--config",
            "--output-dir",
            "--proto",
            "--tlsv1.2",
            "-z",
            "--time-cond",
        }
    ),
    "wget": frozenset(
        {
            "-O",
            "--output-document",
            "-o",
            "--output-file",
            "-P",
            "--directory-prefix",
            "-U",
            "--user-agent",
            "--header",
            "-t",
            "--tries",
            "-T",
            "--timeout",
            "-a",
            "--append-output",
            "-i",
            "--input-file",
            "-e",
            "--execute",
            "--post-data",
            "--user",
            "--password",
        }
    ),
    "useradd": frozenset(
        {
            "-u",
            "--uid",
            "-g",
            "--gid",
            "-G",
            "--groups",
            "-d",
            "--home-dir",
            "-s",
            "--shell",
            "-c",
            "--comment",
            "-k",
            "--skel",
            "-e",
            "--expiredate",
            "-f",
            "--inactive",
            "-K",
            "--key",
            "-p",
            "--password",
            "-b",
            "--base-dir",
            "-R",
            "--root",
            "-P",
            "--prefix",
            "-Z",
            "--selinux-user",
        }
    ),
    "adduser": frozenset(
        {
            "-u",
            "--uid",
            "-g",
            "--gid",
            "-G",
            "--ingroup",
            "-h",
            "--home",
            "-s",
            "--shell",
            "--gecos",
        }
    ),
    "groupadd": frozenset({"-g", "--gid", "-K", "--key", "-p", "--password", "-R", "--root"}),
    "git": frozenset({"-C", "-c", "--git-dir", "--work-tree", "--namespace"}),
    "docker": frozenset({"-H", "--host", "--config", "-c", "--context", "-l", "--log-level"}),
    "tar": frozenset(
        {
            "-f",
            "--file",
            "-C",
            "--directory",
            "-T",
            "--files-from",
            "-X",
            "--exclude-from",
            "--strip-components",
            "--exclude",
            "-b",
            "--blocking-factor",
            "--owner",
            "--group",
            "--mode",
        }
    ),
    "chown": frozenset({"--from", "--reference"}),
    "chmod": frozenset({"--reference"}),
    "sudo": frozenset(
        {
            "-u",
            "--user",
            "-g",
            "--group",
            "-C",
            "-h",
            "--host",
            "-p",
            "--prompt",
            "-r",
            "--role",
            "-t",
            "--type",
            "-D",
            "--chdir",
            "-T",
            "--command-timeout",
            "-U",
            "--other-user",
            "-R",
            "--chroot",
            "--close-from",
        }
    ),
    "su": frozenset({"-c", "--command", "-s", "--shell", "-g", "--group", "-G"}),
}


def basename(word: str) -> str:
    """A program word's base name: ``/usr/bin/apt-get`` -> ``apt-get``."""
    return word.rstrip("/").rsplit("/", 1)[-1] or word


_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")

# Programs that run the rest of their words as a command: (options taking the next word as
# their value, words after the options that come before the command: the user, the duration).
_WRAPPERS: dict[str, tuple[frozenset[str], int]] = {
    "sudo": (_VALUE_OPTIONS["sudo"], 0),
    "doas": (frozenset({"-u", "-C"}), 0),
    "env": (frozenset({"-u", "--unset", "-C", "--chdir", "-S", "--split-string"}), 0),
    "exec": (frozenset({"-a"}), 0),
    "command": (frozenset(), 0),
    "nice": (frozenset({"-n", "--adjustment"}), 0),
    "ionice": (
        frozenset(
            {"-c", "--class", "-n", "--classdata", "-p", "--pid", "-P", "--pgid", "-u", "--uid"}
        ),
        0,
    ),
    "runuser": (
        frozenset(
            {
                "-u",
                "--user",
                "-g",
                "--group",
                "-G",
                "--supplementary-group",
                "-s",
                "--shell",
                "-w",
                "--whitelist-environment",
            }
        ),
        0,
    ),
    "nohup": (frozenset(), 0),
    "time": (frozenset({"-f", "--format", "-o", "--output"}), 0),
    "stdbuf": (frozenset({"-i", "-o", "-e", "--input", "--output", "--error"}), 0),
    "eatmydata": (frozenset(), 0),
    "timeout": (frozenset({"-s", "--signal", "-k", "--kill-after"}), 1),
    "gosu": (frozenset(), 1),
    "su-exec": (frozenset(), 1),
    "s6-setuidgid": (frozenset(), 1),
    "tini": (frozenset({"-p", "-e"}), 0),
    "dumb-init": (frozenset({"-r", "--rewrite"}), 0),
    "docker-entrypoint.sh": (frozenset(), 0),  # the official images' entrypoint runs its args
}


def program_chain(texts: Sequence[str]) -> list[int]:
    """Indices of the wrappers a command line goes through, then of the program it runs.

    ``sudo -u app env A=1 nice -n 5 apt-get ...`` -> the indices of sudo, env, nice and
    apt-get. The last index is ``len(texts)`` when no program follows (``env`` alone).
    """
    chain: list[int] = []
    index = 0
    length = len(texts)
    while index < length:
        word = texts[index]
        if _ASSIGNMENT.match(word):
            index += 1
            continue
        chain.append(index)
        wrapper = _WRAPPERS.get(basename(word))
        if wrapper is None:
            return chain
        takes, skip = wrapper
        index += 1
        options_from = index
        while index < length and texts[index].startswith("-") and texts[index] != "-":
            option = texts[index]
            index += 1
            if option == "--":
                break
            if option in takes:
                index += 1
        if basename(word) == "runuser" and not any(
            _runuser_user(option) for option in texts[options_from:index]
        ):
            return chain  # the su form: runuser itself runs ``-c SCRIPT`` as a user
        index += skip
    chain.append(length)
    return chain


def _runuser_user(option: str) -> bool:
    """Say whether ``option`` gives ``runuser`` a user: ``-u USER``, ``-uUSER``, ``--user[=USER]``.

    Only then does runuser run the words after its options as a command; without it, runuser
    works like ``su``: ``runuser -l USER -c SCRIPT`` runs a shell, and USER is no program.
    """
    return option.startswith("-u") or option == "--user" or option.startswith("--user=")


def program_start(texts: Sequence[str]) -> int:
    """Index of the word naming the program really run, past ``VAR=x`` words and wrappers
    (``len(texts)`` when there is none: ``env`` alone, ``gosu app``)."""
    return program_chain(texts)[-1]


@record(compiled=True)
class Option:
    """One option occurrence of a command line, as ``split_arguments`` reads them."""

    name: str  # up to '=', with its dashes: ``-y``, ``--yes``; clusters split (-qy: -q, -y)
    value: str | None
    index: int  # index in argv of the word holding the option


def split_arguments(
    texts: Sequence[str], after: int, takes: Iterable[str] = (), single_dash_long: bool = False
) -> tuple[tuple[Option, ...], tuple[int, ...]]:
    """The options and the positional words (their indices) of ``texts[after + 1:]``.

    The one reading of options shiplint has: clusters of short options (``-qy``), a value glued
    to a short option (``-ofile``, ``-q=2``) or given with ``=`` to a long one, the names in
    ``takes`` take the next word, ``--`` ends options, ``-`` and ``-$x`` are positional. With
    ``single_dash_long`` (``go build -ldflags x``) a single dash starts a long name.
    """
    takes = takes if isinstance(takes, frozenset) else frozenset(takes)
    found: list[Option] = []
    positional: list[int] = []
    length = len(texts)
    index = after + 1
    while index < length:
        text = texts[index]
        if text == "--":
            positional.extend(range(index + 1, length))
            break
        if not text.startswith("-") or text == "-" or text[1:2] == "$":
            positional.append(index)
            index += 1
            continue
        if text.startswith("--") or single_dash_long or (text in takes and len(text) > 2):
            name, equals, glued = text.partition("=")
            if equals:
                found.append(Option(name, glued, index))
            elif name in takes and index + 1 < length:
                found.append(Option(name, texts[index + 1], index))
                index += 1
            else:
                found.append(Option(name, None, index))
            index += 1
            continue
        index = _read_cluster(texts, index, takes, found)
    return tuple(found), tuple(positional)


def _read_cluster(
    texts: Sequence[str], index: int, takes: frozenset[str], out: list[Option]
) -> int:
    """Read the short options of ``texts[index]`` (``-qy``, ``-oAPT::x=y``, ``-q=2``) into
    ``out``; returns the index of the next word to read."""
    letters = texts[index][1:]
    for position in range(len(letters)):
        name = "-" + letters[position]
        rest = letters[position + 1 :]
        if rest.startswith("="):
            out.append(Option(name, rest[1:], index))
            return index + 1
        if name in takes:
            if rest:
                out.append(Option(name, rest, index))
            elif index + 1 < len(texts):
                out.append(Option(name, texts[index + 1], index))
                return index + 2
            else:
                out.append(Option(name, None, index))
            return index + 1
        out.append(Option(name, None, index))
    return index + 1


@record(compiled=True)
class Command:
    """A simple command: ``[VAR=x ...] argv... [redirections]`` and where it sits.

    ``program`` is the program really run, past wrappers (``sudo``, ``env A=1``, ``gosu app``,
    ``nice -n 5``...); ``start`` is its index in ``argv``, and options and positionals are
    those of that program. Every word keeps its span.
    """

    name: str | None  # argv[0], unquoted; None only for a command with no words at all
    argv: tuple[ShellWord, ...]
    span: Span
    env: tuple[tuple[str, str], ...] = ()  # ``VAR=x`` prefixes, values unquoted
    assignments: tuple[ShellWord, ...] = ()  # the same as words with spans (assignment_words)
    pipeline: tuple[int, int] | None = None  # (index in pipeline, pipeline length) when piped
    operator_before: str | None = None  # "&&", "||", ";", "|", "&", or None for the first
    background: bool = False  # ends with ``&`` (or its list does)
    negated: bool = False  # ``! cmd``
    in_subshell: bool = False  # inside ``( ... )``
    in_condition: bool = False  # in the test of ``if``/``elif``/``while``/``until``
    redirects: tuple[str, ...] = ()  # targets of output redirections (>, >>, &>, >|)
    in_substitution: bool = False  # inside ``$(...)``, backticks or ``<(...)``
    in_loop: bool = False  # in a ``for``/``while``/``until`` body or condition
    in_function: bool = False  # in a function body
    statement: int = 0  # index of the top-level statement (``&&``/``||`` chain) holding it
    raw: str = ""  # the command as written (continuations included)
    # Set by the parser from ``argv`` (rules ask for them many times per command):
    texts: tuple[str, ...] = ()  # every word's text, wrappers included
    start: int = 0  # index in argv of the program past wrappers (``program_start``)

    @property
    def program(self) -> str | None:
        """The base name of the program really run: ``sudo /usr/bin/apt-get`` -> ``apt-get``."""
        if self.start >= len(self.argv):
            return None
        return basename(self.argv[self.start].text)

    @property
    def head(self) -> str | None:
        """argv[0]'s base name: the wrapper, when there is one (``sudo`` in ``sudo rm``)."""
        return None if self.name is None else basename(self.name)

    @property
    def args(self) -> tuple[ShellWord, ...]:
        """The program's arguments (after its own word)."""
        return self.argv[self.start + 1 :]

    @property
    def arg_texts(self) -> tuple[str, ...]:
        return self.texts[self.start + 1 :]

    @property
    def environment(self) -> dict[str, str]:
        """Assignments in effect for the program: ``VAR=x`` prefixes and ``env VAR=x``."""
        found = dict(self.env)
        for word in self.argv[: self.start]:
            if _ASSIGNMENT.match(word.text):
                key, _, value = word.text.partition("=")
                found[key] = value
        return found

    def word_span(self, index: int) -> Span:
        """The span of word ``index`` (the command's span past the last word)."""
        return self.argv[index].span if index < len(self.argv) else self.span

    def from_word(self, index: int) -> Span:
        """From word ``index`` to the end of the command."""
        return Span(self.word_span(index).start, self.span.end)

    def insert_after(self, index: int, text: str) -> Edit:
        """An edit inserting `` text`` right after word ``index`` (a fix adding a flag)."""
        end = self.argv[index].span.end
        return Edit(Span(end, end), " " + text)

    def _value_options(self, value_options: Iterable[str] | None) -> frozenset[str]:
        if value_options is not None:
            return frozenset(value_options)
        return _VALUE_OPTIONS.get(self.program or "", frozenset())

    def arguments(
        self, value_options: Iterable[str] | None = None, after: int | None = None
    ) -> tuple[tuple[Option, ...], tuple[ShellWord, ...]]:
        """The options and positional words after word ``after`` (default: the program)."""
        options, indices = split_arguments(
            self.texts,
            self.start if after is None else after,
            self._value_options(value_options),
        )
        argv = self.argv
        return options, tuple(argv[index] for index in indices)

    def options(self, value_options: Iterable[str] | None = None) -> tuple[Option, ...]:
        """The program's options in argument order, up to ``--``; combined short flags split.

        ``value_options`` names options whose value is the next word (``-o x``); by default a
        small table of well-known programs is used. A value glued to a short option (``-ofile``)
        or given with ``=`` to a long one is always recognised.
        """
        return self.arguments(value_options)[0]

    def has_option(self, *names: str, value_options: Iterable[str] | None = None) -> bool:
        """Whether any of ``names`` (``"-y"``, ``"--yes"``) is given; ``-yq`` has ``-y``.

        A name of several letters after one dash (``-name``) also matches a word written exactly
        so, as single-dash long options are common (``find -name``, ``java -jar``).
        """
        wanted = set(names)
        for option in self.options(value_options):
            if option.name in wanted:
                return True
        long_single = {name for name in wanted if len(name) > 2 and name[1] != "-"}
        if long_single:
            for word in self.argv[self.start + 1 :]:
                if word.text == "--":
                    break
                if word.text.partition("=")[0] in long_single:
                    return True
        return False

    def option_value(self, *names: str, value_options: Iterable[str] | None = None) -> str | None:
        """The last value given to one of ``names``: ``--opt=v``, ``--opt v``, ``-ov``, ``-o v``."""
        takes = self._value_options(value_options) | set(names)
        value = None
        for option in self.options(takes):
            if option.name in names and option.value is not None:
                value = option.value
        return value

    def positionals(self, value_options: Iterable[str] | None = None) -> tuple[ShellWord, ...]:
        """The program's arguments that are not options nor option values; all after ``--``."""
        return self.arguments(value_options)[1]

    def subcommand(self, value_options: Iterable[str] | None = None) -> str | None:
        """The first positional argument: ``install`` in ``apt-get -y install curl``."""
        positional = self.positionals(value_options)
        return positional[0].text if positional else None

    def is_program(self, *programs: str) -> bool:
        return self.program in programs


# --------------------------------------------------------------------------- scripts


_SET_LONG = {
    "e": "errexit",
    "u": "nounset",
    "x": "xtrace",
    "f": "noglob",
    "v": "verbose",
    "C": "noclobber",
    "n": "noexec",
    "a": "allexport",
    "h": "hashall",
}


@record(compiled=True)
class ShellScript:
    """The commands of one shell script (a RUN's shell form, one heredoc body, or exec form)."""

    commands: tuple[Command, ...]  # in source order; substitutions after their command
    has_error: bool
    text: str
    lines: tuple[SourceLine, ...]
    # "shell" (shell form), "heredoc" (a heredoc body run as a script), "exec" (JSON form
    # without a shell: one command), "exec-shell" (JSON ``["sh", "-c", "..."]``).
    origin: str = "shell"
    error_spans: tuple[Span, ...] = field(default=(), compare=False)
    # Assignment-only statements (``X=1;``), which run no command: one word each, with spans
    # (only when parsed with ``assignment_words``).
    assignments: tuple[ShellWord, ...] = ()

    def find(self, program: str, subcommand: str | None = None) -> tuple[Command, ...]:
        """Commands running ``program`` (base name), optionally with this subcommand."""
        return tuple(
            command
            for command in self.commands
            if command.program == program
            and (subcommand is None or command.subcommand() == subcommand)
        )

    def find_any(self, *programs: str) -> tuple[Command, ...]:
        wanted = set(programs)
        return tuple(command for command in self.commands if command.program in wanted)

    def pipelines(self) -> tuple[tuple[Command, ...], ...]:
        """Groups of commands joined by ``|`` (only pipelines of two or more commands)."""
        groups: list[list[Command]] = []
        for command in self.commands:
            if command.pipeline is None:
                continue
            index, _length = command.pipeline
            if index == 0 or not groups:
                groups.append([command])
            else:
                groups[-1].append(command)
        return tuple(tuple(group) for group in groups)

    def sequences(self) -> tuple[tuple[Command, ...], ...]:
        """Commands grouped by top-level statement: each ``a && b || c`` chain is one group."""
        groups: dict[int, list[Command]] = {}
        for command in self.commands:
            groups.setdefault(command.statement, []).append(command)
        return tuple(tuple(group) for _key, group in sorted(groups.items()))

    def set_options(self) -> frozenset[str]:
        """Shell options turned on by ``set`` at the top level: ``errexit``, ``pipefail``..."""
        enabled: set[str] = set()
        for command in self.commands:
            if command.program != "set" or command.in_substitution or command.in_function:
                continue
            words = [word.text for word in command.args]
            index = 0
            while index < len(words):
                word = words[index]
                index += 1
                if word in ("-o", "+o") and index < len(words):
                    (enabled.add if word == "-o" else enabled.discard)(words[index])
                    index += 1
                elif word[:1] in "-+" and len(word) > 1 and word != "--":
                    for letter in word[1:]:
                        if letter == "o" and index < len(words):
                            (enabled.add if word[0] == "-" else enabled.discard)(words[index])
                            index += 1
                        elif letter in _SET_LONG:
                            (enabled.add if word[0] == "-" else enabled.discard)(_SET_LONG[letter])
        return frozenset(enabled)


# ---------------------------------------------------------------------- tree-sitter

_PARSER: Parser | None = None


def _parser() -> Parser:
    """The tree-sitter parser, created on first use (import and setup cost ~20 ms)."""
    global _PARSER
    if _PARSER is None:
        import tree_sitter

        _PARSER = tree_sitter.Parser(tree_sitter.Language(_bash_language()))
    return _PARSER


def _bash_language() -> object:
    """tree-sitter-bash's grammar, read from its compiled binding.

    The package's ``__init__`` imports ``importlib.resources`` (and with it tempfile, random and
    zipfile: ~10 ms of a ~130 ms cold start) only to serve query files a linter never reads, so
    the binding is loaded on its own; any surprise in the package's layout falls back to the
    ordinary import.
    """
    import importlib.machinery

    spec = importlib.machinery.PathFinder.find_spec("tree_sitter_bash")
    folders = list(spec.submodule_search_locations or ()) if spec is not None else []
    for folder in folders:
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            path = os.path.join(folder, "_binding" + suffix)
            if os.path.isfile(path):
                loader = importlib.machinery.ExtensionFileLoader("tree_sitter_bash._binding", path)
                binding = loader.create_module(
                    importlib.machinery.ModuleSpec(loader.name, loader, origin=path)
                )
                loader.exec_module(binding)
                return binding.language()
    import tree_sitter_bash

    return tree_sitter_bash.language()


class _Positions:
    """Maps tree-sitter byte offsets back to file positions through the source lines.

    The script text is the lines' texts joined by ``separator``: "" for the continuation
    segments of an instruction (what the shell gets, as BuildKit removes ``\\``+newline) and
    "\n" for heredoc bodies. Columns are counted in characters, not bytes.
    """

    __slots__ = ("_all_ascii", "_ascii", "_ends", "_lines", "_starts")

    def __init__(self, lines: Sequence[SourceLine], separators: Sequence[str]) -> None:
        self._lines = lines
        self._ascii = [line.text.isascii() for line in lines]
        self._all_ascii = all(self._ascii)
        self._starts: list[int] = []
        self._ends: list[int] = []
        offset = 0
        for line, separator in zip(lines, separators, strict=True):
            self._starts.append(offset)
            offset += len(line.text.encode("utf-8"))
            self._ends.append(offset)
            offset += len(separator.encode("utf-8"))

    def _segment(self, offset: int, is_end: bool) -> int:
        starts = self._starts
        if len(starts) == 1:
            return 0
        index = bisect_right(starts, offset) - 1
        if index < 0:
            return 0
        if is_end and index > 0 and offset == starts[index]:
            index -= 1  # an end at a segment boundary belongs to the segment before
        return index

    def position(self, offset: int, is_end: bool = False) -> Position:
        lines = self._lines
        if not lines:
            return Position(1, 1)
        index = self._segment(offset, is_end)
        line = lines[index]
        within = min(offset, self._ends[index]) - self._starts[index]
        if within <= 0:
            column = 0
        elif self._ascii[index]:
            column = within
        else:
            column = len(line.text.encode("utf-8")[:within].decode("utf-8", "ignore"))
        return Position(line.line, line.column + column)

    def span(self, node: Node) -> Span:
        start_byte = node.start_byte
        end_byte = node.end_byte
        if self._all_ascii and self._lines:
            # Fast path: both ends in one ASCII segment (nearly every word).
            index = self._segment(start_byte, False)
            segment_start = self._starts[index]
            if start_byte >= segment_start and end_byte <= self._ends[index]:
                line = self._lines[index]
                base = line.column - segment_start
                return Span(
                    Position(line.line, base + start_byte), Position(line.line, base + end_byte)
                )
        start = self.position(start_byte)
        end = self.position(end_byte, True)
        if end.line < start.line or (end.line == start.line and end.column < start.column):
            end = start
        return Span(start, end)


_WORD_TYPES = frozenset(
    {
        "word",
        "string",
        "raw_string",
        "ansi_c_string",
        "translated_string",
        "concatenation",
        "simple_expansion",
        "expansion",
        "command_substitution",
        "arithmetic_expansion",
        "process_substitution",
        "number",
        "brace_expression",
        "variable_name",
        "test_operator",
        "regex",
        "extglob_pattern",
    }
)
_OUTPUT_REDIRECTS = frozenset({">", ">>", "&>", "&>>", ">|"})
_REDIRECT_TYPES = frozenset({"file_redirect", "heredoc_redirect", "herestring_redirect"})
_SUBSTITUTION_START = re.compile(rb"\$\(|`|[<>]\(")
_SUBSTITUTIONS = frozenset({"command_substitution", "process_substitution"})
_STATEMENT_SEPARATORS = frozenset({";", "&", ";;", ";&", ";;&", "\n"})


class _Where(NamedTuple):
    """What the walker knows about the place of the nodes it is visiting."""

    pipeline: tuple[int, int] | None = None
    background: bool = False
    negated: bool = False
    in_subshell: bool = False
    in_condition: bool = False
    in_substitution: bool = False
    in_loop: bool = False
    in_function: bool = False
    redirects: tuple[str, ...] = ()
    statement: int = 0

    def but(self, **changes: Any) -> _Where:
        return self._replace(**changes)


def _flatten_list(node: Node) -> list[Node | str]:
    """A (left-nested) ``list`` node as its parts in order, ``&&``/``||`` between them."""
    parts: list[Node | str] = []
    for child in node.children:
        if child.type in ("&&", "||"):
            parts.append(child.type)
        elif child.is_named and child.type != "comment":
            parts.extend(_flatten_list(child) if child.type == "list" else [child])
    return parts


def _pipeline_parts(node: Node) -> tuple[list[Node], list[Node | str]]:
    """The elements of a pipeline and what follows it in the same ``&&``/``||`` chain.

    tree-sitter-bash nests `{ x; } && a | b | c && d` as pipeline(a, list(pipeline(b, ...),
    d)), sometimes several levels deep. A bare list is never a pipeline element, so the list's
    first part continues this pipeline and the rest follows it with its operators, as bash
    reads it."""
    elements = [child for child in node.children if child.is_named and child.type != "comment"]
    if not elements or elements[-1].type != "list":
        return elements, []
    flat = _flatten_list(elements[-1])
    if not flat or isinstance(flat[0], str):
        return elements, []
    first, rest = flat[0], flat[1:]
    if first.type == "pipeline":
        inner, inner_rest = _pipeline_parts(first)
        return elements[:-1] + inner, inner_rest + rest
    return [*elements[:-1], first], rest


class _Walker:
    """Turns a tree-sitter-bash tree into ``Command`` records."""

    def __init__(self, source: bytes, positions: _Positions, assignment_words: bool) -> None:
        self.source = source
        self.positions = positions
        self.assignment_words = assignment_words  # build ``VAR=x`` words (see parse_script)
        self.commands: list[Command] = []
        self.pending: str | None = None  # operator before the next command found
        self.errors: list[Span] = []
        self.assignments: list[ShellWord] = []

    def text(self, node: Node) -> str:
        return self.source[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def word(self, node: Node) -> ShellWord:
        raw = self.text(node)
        value, quoted, literal = unquote(raw)
        return ShellWord(value, raw, self.positions.span(node), quoted, literal)

    # statements -------------------------------------------------------------------

    def statements(self, nodes: Sequence[Node], where: _Where, top: bool = False) -> None:
        """A sequence of statements separated by ``;``, ``&`` or new lines."""
        operator: str | None = None
        first = True
        count = len(nodes)
        for index, node in enumerate(nodes):
            kind = node.type
            if kind in _STATEMENT_SEPARATORS:
                operator = "&" if kind == "&" else ";"
                continue
            if not node.is_named:
                continue
            if kind == "comment":
                continue
            following = nodes[index + 1].type if index + 1 < count else None
            here = where
            if top:
                here = here.but(statement=where.statement + index)
            if following == "&":
                here = here.but(background=True)
            if not first:
                self.pending = operator or ";"
            first = False
            operator = None
            self.visit(node, here)

    def visit(self, node: Node, where: _Where) -> None:
        kind = node.type
        handler = _HANDLERS.get(kind)
        if handler is not None:
            handler(self, node, where)
            return
        if kind == "ERROR" or node.is_missing:
            self.errors.append(self.positions.span(node))
        if node.child_count:
            self.statements(node.children, where)

    def list_node(self, node: Node, where: _Where) -> None:
        for child in node.children:
            if child.type in ("&&", "||"):
                self.pending = child.type
            elif child.is_named and child.type != "comment":
                self.visit(child, where)

    def pipeline(self, node: Node, where: _Where) -> None:
        elements, rest = _pipeline_parts(node)
        count = len(elements)
        for position, child in enumerate(elements):
            if position:
                self.pending = "|"
            here = where.but(pipeline=(position, count))
            if position != count - 1 and where.redirects:
                here = here.but(redirects=())
            self.visit(child, here)
        for part in rest:
            if isinstance(part, str):
                self.pending = part
            else:
                self.visit(part, where)

    def redirected(self, node: Node, where: _Where) -> None:
        targets: list[str] = []
        tails: list[tuple[Node, str]] = []
        extra: list[ShellWord] = []
        body = node.child_by_field_name("body")
        for child in node.children:
            if child.type in _REDIRECT_TYPES:
                self.collect_redirects(child, targets, where, tails, extra)
        if body is not None:
            if targets:
                self.redirect_last(body, where, tuple(targets), extra)
            else:
                self.visit(body, where)
        self.visit_tails(tails, where)

    def redirect_last(
        self, body: Node, where: _Where, targets: tuple[str, ...], extra: list[ShellWord]
    ) -> None:
        """Apply redirections the way bash does: to the last command of a list or pipeline."""
        if body.type == "list":
            elements = [child for child in body.children if child.is_named]
            for child in body.children:
                if child.type in ("&&", "||"):
                    self.pending = child.type
                elif child.is_named and child.type != "comment":
                    if child.id == elements[-1].id:
                        self.redirect_last(child, where, targets, extra)
                    else:
                        self.visit(child, where)
            return
        here = where.but(redirects=where.redirects + targets)
        if body.type == "command":
            self.command(body, here, extra)
        else:
            self.visit(body, here)

    def visit_tails(self, tails: list[tuple[Node, str]], where: _Where) -> None:
        """Commands tree-sitter nests in a heredoc redirect (``cat <<EOF && next``)."""
        for tail, operator in tails:
            self.pending = operator
            if tail.type == "pipeline" and tail.children and tail.children[0].type == "|":
                for child in tail.children[1:]:
                    if child.type in ("|", "|&"):
                        self.pending = "|"
                    elif child.is_named:
                        self.visit(child, where)
            else:
                self.visit(tail, where)

    def collect_redirects(
        self,
        node: Node,
        targets: list[str],
        where: _Where,
        tails: list[tuple[Node, str]],
        extra: list[ShellWord],
    ) -> None:
        operator: str | None = None  # the redirection operator (``>``, ``>>``, ``<<``...)
        joiner: str | None = None  # ``&&``/``||`` tree-sitter puts inside a heredoc redirect
        destination_seen = False
        for index, child in enumerate(node.children):
            kind = child.type
            field_name = node.field_name_for_child(index)
            if field_name == "operator":
                joiner = kind
            elif not child.is_named:
                operator = kind
            elif kind == "file_redirect":
                self.collect_redirects(child, targets, where, tails, extra)
            elif kind in ("heredoc_body", "heredoc_start", "heredoc_end", "file_descriptor"):
                continue
            elif field_name == "right" or kind in (
                "pipeline",
                "list",
                "command",
                "redirected_statement",
            ):
                tails.append((child, joiner or ";"))
            elif destination_seen:
                extra.append(self.word(child))  # ``echo > out word``: word is an argument
                self.substitutions(child, where)
            else:
                destination_seen = True
                if operator in _OUTPUT_REDIRECTS:
                    targets.append(self.word(child).text)
                self.substitutions(child, where)

    def negated(self, node: Node, where: _Where) -> None:
        self.statements(node.children, where.but(negated=True))

    def subshell(self, node: Node, where: _Where) -> None:
        self.statements(node.children, where.but(in_subshell=True))

    def conditional(self, node: Node, where: _Where) -> None:
        """``if``/``elif``/``while``/``until``: the commands of the test are marked."""
        inner = where.but(in_loop=True) if node.type == "while_statement" else where
        testing = False
        first = True
        for child in node.children:
            kind = child.type
            if kind in ("if", "elif", "while", "until"):
                testing = True
                continue
            if kind in ("then", "do_group"):
                testing = False
            if not child.is_named or kind == "comment":
                continue
            if not first:
                self.pending = ";"
            first = False
            if kind == "do_group":
                self.statements(child.children, inner)
            else:
                self.visit(child, inner.but(in_condition=True) if testing else inner)

    def loop(self, node: Node, where: _Where) -> None:
        for child in node.children:
            if child.type in ("do_group", "compound_statement"):
                self.statements(child.children, where.but(in_loop=True))
            elif child.is_named and child.type != "variable_name":
                self.substitutions(child, where)

    def case(self, node: Node, where: _Where) -> None:
        value = node.child_by_field_name("value")
        if value is not None:
            self.substitutions(value, where)
        for item in node.children:
            if item.type != "case_item":
                continue
            patterns = {child.id for child in item.children_by_field_name("value")}
            body = [child for child in item.children if child.id not in patterns]
            self.statements(body, where)

    def function(self, node: Node, where: _Where) -> None:
        body = node.child_by_field_name("body")
        if body is not None:
            saved = self.pending
            self.pending = None
            self.visit(body, where.but(in_function=True, pipeline=None, background=False))
            self.pending = saved

    def assignment(self, node: Node, where: _Where) -> None:
        if self.assignment_words:
            single = node.type == "variable_assignment"
            parts = [node] if single else node.children
            self.assignments.extend(
                self.word(part) for part in parts if part.type == "variable_assignment"
            )
        self.substitutions(node, where)

    # commands ---------------------------------------------------------------------

    def command(self, node: Node, where: _Where, extra: Sequence[ShellWord] = ()) -> None:
        env: list[tuple[str, str]] = []
        assignments: list[ShellWord] = []
        argv: list[ShellWord] = []
        redirects = list(where.redirects)
        nested: list[Node] = []
        tails: list[tuple[Node, str]] = []
        for child in node.children:
            kind = child.type
            if kind == "variable_assignment":
                name_node = child.child_by_field_name("name")
                value_node = child.child_by_field_name("value")
                name = self.text(name_node) if name_node is not None else self.text(child)
                value = unquote(self.text(value_node))[0] if value_node is not None else ""
                env.append((name, value))
                if self.assignment_words:
                    assignments.append(self.word(child))
                nested.append(child)
            elif kind == "command_name":
                argv.append(self.word(child))
                nested.append(child)
            elif kind in _REDIRECT_TYPES:
                more: list[ShellWord] = []
                self.collect_redirects(child, redirects, where, tails, more)
                argv.extend(more)
            elif child.is_named and kind != "comment":
                argv.append(self.word(child))
                nested.append(child)
        argv.extend(extra)
        self.emit(node, argv, where, env, redirects, assignments)
        if self.has_substitution(node):
            self.find_substitutions(nested, where)
        if tails:
            self.visit_tails(tails, where)

    def declaration(self, node: Node, where: _Where) -> None:
        """``export A=1``, ``local x``, ``unset y``, ``readonly``, ``declare``: also commands."""
        argv: list[ShellWord] = []
        for child in node.children:
            if child.type == "comment":
                continue
            argv.append(self.word(child))
        self.emit(node, argv, where, [], list(where.redirects))
        self.substitutions(node, where)

    def test(self, node: Node, where: _Where) -> None:
        """``[ ... ]`` and ``[[ ... ]]`` become commands named ``[`` and ``[[``."""
        argv: list[ShellWord] = []
        self.test_words(node, argv)
        self.emit(node, argv, where, [], list(where.redirects))
        self.substitutions(node, where)

    def test_words(self, node: Node, argv: list[ShellWord]) -> None:
        for child in node.children:
            if child.type in _WORD_TYPES or child.child_count == 0:
                argv.append(self.word(child))
            else:
                self.test_words(child, argv)

    def emit(
        self,
        node: Node,
        argv: list[ShellWord],
        where: _Where,
        env: list[tuple[str, str]],
        redirects: list[str],
        assignments: Sequence[ShellWord] = (),
    ) -> None:
        texts = tuple([word.text for word in argv])
        self.commands.append(
            Command(
                name=argv[0].text if argv else None,
                argv=tuple(argv),
                span=self.positions.span(node),
                env=tuple(env),
                assignments=tuple(assignments),
                pipeline=where.pipeline,
                operator_before=self.pending,
                background=where.background,
                negated=where.negated,
                in_subshell=where.in_subshell,
                in_condition=where.in_condition,
                redirects=tuple(redirects),
                in_substitution=where.in_substitution,
                in_loop=where.in_loop,
                in_function=where.in_function,
                statement=where.statement,
                raw=self.text(node),
                texts=texts,
                start=program_start(texts),
            )
        )
        self.pending = None

    def has_substitution(self, node: Node) -> bool:
        """A cheap test on the text before walking the subtree for substitutions."""
        return _SUBSTITUTION_START.search(self.source, node.start_byte, node.end_byte) is not None

    def substitutions(self, node: Node, where: _Where) -> None:
        """Commands inside ``$(...)``, backticks and ``<(...)`` found below ``node``."""
        if self.has_substitution(node):
            self.find_substitutions((node,), where)

    def find_substitutions(self, nodes: Sequence[Node], where: _Where) -> None:
        for child in nodes:
            if child.type in _SUBSTITUTIONS:
                saved = self.pending
                self.pending = None
                inner = where.but(
                    in_substitution=True,
                    pipeline=None,
                    redirects=(),
                    background=False,
                    negated=False,
                    in_condition=False,
                )
                self.statements(child.children, inner)
                self.pending = saved
            elif child.child_count:
                self.find_substitutions(child.children, where)


_HANDLERS: dict[str, Any] = {
    "command": _Walker.command,
    "list": _Walker.list_node,
    "pipeline": _Walker.pipeline,
    "redirected_statement": _Walker.redirected,
    "negated_command": _Walker.negated,
    "subshell": _Walker.subshell,
    "if_statement": _Walker.conditional,
    "elif_clause": _Walker.conditional,
    "while_statement": _Walker.conditional,
    "for_statement": _Walker.loop,
    "c_style_for_statement": _Walker.loop,
    "select_statement": _Walker.loop,
    "case_statement": _Walker.case,
    "function_definition": _Walker.function,
    "variable_assignment": _Walker.assignment,
    "variable_assignments": _Walker.assignment,
    "declaration_command": _Walker.declaration,
    "unset_command": _Walker.declaration,
    "test_command": _Walker.test,
    "comment": lambda walker, node, where: None,
}


def parse_script(
    lines: Sequence[SourceLine],
    origin: str = "shell",
    separator: str = "\n",
    *,
    assignment_words: bool = False,
) -> ShellScript:
    """Parse shell text given as source lines into a ``ShellScript`` with file positions.

    ``separator`` joins the lines: "\n" for physical lines (a heredoc body), "" for the
    continuation segments of an instruction, whose ``\\``+newline BuildKit already removed.
    ``assignment_words`` also gives the ``VAR=x`` words with their spans
    (``Command.assignments``, ``ShellScript.assignments``): off unless asked for, as no
    Dockerfile rule needs them and building them costs every RUN.
    """
    lines = tuple(lines)
    separators = [separator] * (len(lines) - 1) + [""] if lines else []
    return _parse(lines, separators, origin, assignment_words)


def _parse(
    lines: tuple[SourceLine, ...],
    separators: Sequence[str],
    origin: str,
    assignment_words: bool = False,
) -> ShellScript:
    """Parse ``lines`` joined by ``separators[i]`` after line ``i``."""
    text = "".join(line.text + sep for line, sep in zip(lines, separators, strict=True))
    source = text.encode("utf-8")
    tree = _parser().parse(source)
    walker = _Walker(source, _Positions(lines, separators), assignment_words)
    root = tree.root_node
    walker.statements(root.children, _Where(), top=True)
    commands = sorted(walker.commands, key=lambda command: command.span.start)
    return ShellScript(
        tuple(commands),
        root.has_error,
        text,
        lines,
        origin,
        tuple(walker.errors),
        tuple(walker.assignments),
    )


# ---------------------------------------------------------------------- instructions

_POSIX_SHELLS = frozenset(
    {
        "sh",
        "bash",
        "dash",
        "ash",
        "zsh",
        "ksh",
        "mksh",
        "ksh93",
        "yash",
        "posh",
        "busybox",
        "bash.exe",
        "sh.exe",
    }
)


def is_posix_shell(shell: Sequence[str] | None) -> bool:
    """Whether a SHELL argv runs a POSIX shell (None means the default ``/bin/sh -c``)."""
    if not shell:
        return True
    program = shell[0].replace("\\", "/").rsplit("/", 1)[-1].lower()
    return program in _POSIX_SHELLS


def _shell_script_argument(argv: Sequence[str]) -> int | None:
    """Index of the script in ``["sh", "-c", "script", ...]``-style argv, if it is one."""
    if not argv or not is_posix_shell(argv):
        return None
    index = 1
    saw_c = False
    while index < len(argv):
        word = argv[index]
        if word in ("-o", "+o", "-O", "+O"):
            index += 2
            continue
        if word.startswith(("-", "+")) and len(word) > 1 and word != "--":
            saw_c = saw_c or (word[0] == "-" and "c" in word[1:] and not word.startswith("--"))
            index += 1
            continue
        if word == "--":
            index += 1
        break
    if saw_c and index < len(argv):
        return index
    return None


def _exec_script(instruction: Instruction, argv: tuple[str, ...]) -> ShellScript:
    """A JSON-form RUN: its argv as one command, or the ``sh -c`` string parsed."""
    span = instruction.arguments_span or instruction.span
    script_index = _shell_script_argument(argv)
    if script_index is not None:
        script = argv[script_index]
        located = _locate_json_string(instruction, script_index)
        if located is not None:
            return parse_script([located], origin="exec-shell")
        lines = tuple(
            SourceLine(span.start.line, span.start.column, part) for part in script.split("\n")
        )
        parsed = parse_script(lines, origin="exec-shell")
        return _respan(parsed, span)
    strings = _json_strings(instruction)
    if len(strings) == len(argv):
        words = tuple(
            ShellWord(
                arg,
                raw,
                Span(
                    Position(line.line, line.column - 1),
                    Position(line.line, line.column + len(line.text) + 1),
                ),
                True,
            )
            for arg, (line, raw) in zip(argv, strings, strict=True)
        )
    else:
        import json

        words = tuple(ShellWord(arg, json.dumps(arg), span, True) for arg in argv)
    command = Command(
        name=argv[0] if argv else None,
        argv=words,
        span=span,
        raw=instruction.arguments,
        texts=tuple(argv),
        start=program_start(argv),
    )
    return ShellScript(
        (command,) if argv else (), False, instruction.arguments, instruction.argument_lines, "exec"
    )


def _json_strings(instruction: Instruction) -> list[tuple[SourceLine, str]]:
    """The string literals of a JSON-form argument list: (literal as a source line, raw)."""
    found: list[tuple[SourceLine, str]] = []
    for line in instruction.argument_lines:
        text = line.text
        position = 0
        while True:
            start = text.find('"', position)
            if start < 0:
                break
            end = start + 1
            while end < len(text) and text[end] != '"':
                end += 2 if text[end] == "\\" else 1
            if end >= len(text):
                return []  # a string broken over a continuation: give up on exact spans
            found.append(
                (
                    SourceLine(line.line, line.column + start + 1, text[start + 1 : end]),
                    text[start : end + 1],
                )
            )
            position = end + 1
    return found


def _locate_json_string(instruction: Instruction, index: int) -> SourceLine | None:
    """The ``index``-th JSON string as a source line, when it has no escapes (exact spans)."""
    strings = _json_strings(instruction)
    if index >= len(strings) or "\\" in strings[index][1]:
        return None
    return strings[index][0]


def _respan(script: ShellScript, span: Span) -> ShellScript:
    """Give every word and command the same approximate span (positions are unknown)."""

    def respanned(words: tuple[ShellWord, ...]) -> tuple[ShellWord, ...]:
        return tuple(ShellWord(w.text, w.raw, span, w.quoted, w.literal) for w in words)

    commands = [
        replace(
            command,
            argv=respanned(command.argv),
            assignments=respanned(command.assignments),
            span=span,
        )
        for command in script.commands
    ]
    return ShellScript(
        tuple(commands),
        script.has_error,
        script.text,
        script.lines,
        script.origin,
        tuple(span for _ in script.error_spans),
        respanned(script.assignments),
    )


def _without_markers(instruction: Instruction) -> list[SourceLine]:
    """The argument lines with each ``<<EOF`` marker blanked out (same length, same columns).

    The command line is then parsed on its own: tree-sitter-bash mis-parses some heredoc
    forms (``RUN <<EOF bash``, two heredocs joined by ``&&``), and rules do not need the
    bodies of data heredocs (``cat <<EOF > file``).
    """
    lines = list(instruction.argument_lines)
    for heredoc in instruction.heredocs:
        span = heredoc.marker_span
        for index, line in enumerate(lines):
            if line.line != span.start.line or span.end.line != span.start.line:
                continue
            start = span.start.column - line.column
            end = span.end.column - line.column
            if 0 <= start < end <= len(line.text):
                text = line.text[:start] + " " * (end - start) + line.text[end:]
                lines[index] = SourceLine(line.line, line.column, text)
                break
    return lines


def _is_foreign_shebang(body: str) -> bool:
    """A heredoc body starting with ``#!`` for a non-POSIX interpreter (python, node...)."""
    if not body.startswith("#!"):
        return False
    words = body[2:].split("\n", 1)[0].split()
    if not words:
        return False
    program = words[0].rsplit("/", 1)[-1]
    if program == "env" and len(words) > 1:
        program = next((word for word in words[1:] if not word.startswith("-")), program)
    return program not in _POSIX_SHELLS


def _stdin_shell(command: Command) -> bool:
    """``bash <<EOF``, ``sh -e <<EOF``: a shell reading its script from standard input."""
    if command.program not in _POSIX_SHELLS or command.has_option("-c"):
        return False
    return not command.positionals(value_options=("-o", "+o", "-O", "+O"))


def parse_instruction(
    instruction: Instruction, shell: tuple[str, ...] | None = None
) -> list[ShellScript]:
    """The shell scripts a RUN executes, each with file positions.

    Shell form -> one script (``<<EOF`` markers blanked: a data heredoc is not shell code);
    ``RUN <<EOF`` -> each heredoc body as a script; ``RUN bash <<EOF`` -> both;
    JSON form -> the ``sh -c`` string parsed, or the argv as a single command. A non-POSIX
    ``SHELL`` (powershell, cmd) gives ``[]`` for shell and heredoc forms.
    """
    if instruction.json_args is not None:
        return [_exec_script(instruction, instruction.json_args)]
    if not is_posix_shell(shell):
        return []
    scripts: list[ShellScript] = []
    lines = _without_markers(instruction) if instruction.heredocs else instruction.argument_lines
    heredoc_scripts = bool(instruction.heredocs)
    if any(line.text.strip() for line in lines):
        # BuildKit runs the heredoc bodies as the script only for ``RUN <<EOF`` alone; with a
        # command, they are its standard input (scripts again for ``bash <<EOF``).
        script = parse_script(lines, separator="")
        scripts.append(script)
        heredoc_scripts = heredoc_scripts and any(
            not command.in_substitution and _stdin_shell(command) for command in script.commands
        )
    if heredoc_scripts:
        for heredoc in instruction.heredocs:
            if _is_foreign_shebang(heredoc.body):
                continue
            scripts.append(parse_script(heredoc.body_lines, origin="heredoc"))
    return scripts
