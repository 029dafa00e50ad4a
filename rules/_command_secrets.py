"""Credentials written on a service's command line (``command``, ``entrypoint``, healthcheck).

A string ``command:`` is split into words the way compose does (quotes, backslashes), as
compose runs no shell; ``sh -c SCRIPT`` and ``CMD-SHELL SCRIPT`` hand a script to a real
shell, read by the shell view (``parse_script``). Every word keeps, character by character,
where it is written in its YAML scalar, so a finding can point at the value itself.

What counts as a credential follows the environment check: the same key-name test
(``secret_key``), the same literal-value test (``literal_secret_value``) and the same table
of token formats (``find_token``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from linter import Position, Span
from linter.compose.model import Service
from linter.compose.nodes import MappingNode, ScalarNode, SequenceNode
from linter.dockerfile.ast import SourceLine
from linter.dockerfile.shell import (
    ShellWord,
    basename,
    parse_script,
    program_chain,
    unquote_offsets,
)
from linter.records import record

from ._compose_values import sub_span
from ._secrets import (
    find_token,
    literal_secret_value,
    secret_key,
    url_credential,
    written_url_password,
)


@record
class Word:
    """One word of a command line: its unquoted text and where each character is written."""

    text: str  # quotes removed; ``$`` expansions kept as written
    node: ScalarNode  # the scalar holding it
    offsets: tuple[int, ...]  # index in ``node.text`` of each character of ``text``
    start: int  # the word as written: ``node.text[start:end]``
    end: int

    def span_of(self, first: int, last: int) -> tuple[int, int]:
        """``node.text`` offsets of ``text[first:last]`` (the whole word when empty)."""
        if first >= last or last > len(self.offsets):
            return self.start, self.end
        return self.offsets[first], self.offsets[last - 1] + 1


@record
class Found:
    """A credential on a command line: what carries it and where its value is written."""

    option: str  # ``--requirepass``, ``-p``, ``PGPASSWORD``; "" for a bare token format
    kind: str  # "literal", "default" (a ``${VAR:-x}`` default) or a token format's label
    node: ScalarNode
    start: int  # offsets in ``node.text``
    end: int


# ---------------------------------------------------------------------------------------------
# Words

_DOUBLE_QUOTE_ESCAPES = frozenset('$`"\\\n')


def split_command_string(node: ScalarNode) -> list[Word]:
    """The words of a string ``command:``/``entrypoint:``, split as compose splits it.

    Compose splits the string like ``shlex`` (quotes and backslashes; no operators, no
    comments) and runs no shell, so this is no shell parse.
    """
    text = node.text
    words: list[Word] = []
    chars: list[str] = []
    where: list[int] = []
    begin: int | None = None
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if char in " \t\r\n":
            if begin is not None:
                words.append(Word("".join(chars), node, tuple(where), begin, index))
                chars, where, begin = [], [], None
            index += 1
            continue
        if begin is None:
            begin = index
        if char == "\\":
            if index + 1 < length and text[index + 1] != "\n":
                chars.append(text[index + 1])
                where.append(index + 1)
            index += 2
        elif char == "'":
            found = text.find("'", index + 1)
            close = length if found < 0 else found
            chars.append(text[index + 1 : close])
            where.extend(range(index + 1, close))
            index = close + 1
        elif char == '"':
            index += 1
            while index < length and text[index] != '"':
                if text[index] == "\\" and text[index + 1 : index + 2] in _DOUBLE_QUOTE_ESCAPES:
                    if text[index + 1] != "\n":
                        chars.append(text[index + 1])
                        where.append(index + 1)
                    index += 2
                else:
                    chars.append(text[index])
                    where.append(index)
                    index += 1
            index += 1
        else:
            chars.append(char)
            where.append(index)
            index += 1
    if begin is not None:
        words.append(Word("".join(chars), node, tuple(where), begin, length))
    return words


def script_commands(text: str, node: ScalarNode, offsets: Sequence[int]) -> list[list[Word]]:
    """The simple commands of a shell script (``sh -c``, ``CMD-SHELL``), as words.

    ``text`` is written at ``offsets`` of ``node.text`` (one offset per character). Each
    command's words are its ``VAR=x`` prefixes, then its argv; an assignment-only statement
    (``X=1;``) is a command of its own. Commands inside ``$(...)`` are not read.
    """
    script = parse_script([SourceLine(1, 1, text)], separator="", assignment_words=True)
    found = [
        [_word(word, node, offsets) for word in (*command.assignments, *command.argv)]
        for command in script.commands
        if not command.in_substitution
    ]
    found.extend([_word(word, node, offsets)] for word in script.assignments)
    return found


def _word(word: ShellWord, node: ScalarNode, offsets: Sequence[int]) -> Word:
    """A shell word of a script parsed as one line: its column is its offset in the script."""
    at = word.span.start.column - 1
    text, where = unquote_offsets(word.raw)
    return Word(
        text,
        node,
        tuple([offsets[at + index] for index in where]),
        offsets[at],
        offsets[at + len(word.raw) - 1] + 1,
    )


def item_word(node: ScalarNode) -> Word:
    """A list item of an exec-form command: one word, exactly as written."""
    return Word(node.text, node, tuple(range(len(node.text))), 0, len(node.text))


# ---------------------------------------------------------------------------------------------
# Recognising credentials

_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox"})
_SHELL_SCRIPT_FLAG = re.compile(r"^-[A-Za-z]*c[A-Za-z]*$")
# mysql-family clients take the password only glued to the option (``-phunter2``,
# ``--password=hunter2``); a bare ``-p``/``--password`` prompts and the next word is a
# database name.
_MYSQL = frozenset(
    {
        "mysql",
        "mysqladmin",
        "mysqldump",
        "mysqlcheck",
        "mysqlshow",
        "mysqlimport",
        "mysqlpump",
        "mysqlsh",
        "mysqlslap",
        "mariadb",
        "mariadb-admin",
        "mariadb-dump",
        "mariadb-check",
        "mariadb-show",
        "mariadb-import",
        "mariadb-slap",
        "mariadb-upgrade",
        "mysql_upgrade",
    }
)
# PostgreSQL clients: ``-W``/``--password`` only forces a prompt and takes no value.
_POSTGRES = frozenset(
    {
        "psql",
        "pg_dump",
        "pg_dumpall",
        "pg_restore",
        "pg_basebackup",
        "createdb",
        "dropdb",
        "createuser",
        "dropuser",
        "vacuumdb",
        "reindexdb",
        "clusterdb",
        "pgbench",
    }
)
# Short options that take a password as the next word, and the programs they do it for.
_SHORT_PASSWORD_OPTIONS: dict[str, frozenset[str]] = {
    "-a": frozenset({"redis-cli", "valkey-cli", "keydb-cli"}),
    "-p": frozenset({"mongosh", "mongo", "sshpass"}),
}
# ``-u user:password``: the password after the colon.
_USER_PASSWORD_PROGRAMS = frozenset({"curl"})
_USER_FLAG = re.compile(r"^-[A-Za-z]*u$")  # ``-u``, or last of a cluster: ``-fsu``
# Option names the key-name test does not reach: redis' server passwords, redis-cli and
# openssl's ``--pass``/``-pass``.
_EXTRA_OPTION_NAMES = frozenset({"REQUIREPASS", "MASTERAUTH", "PASS"})
# An option about a credential that is not its value: read from a stream or a variable,
# or a switch that turns something about it on or off.
_NOT_VALUE_SUFFIXES = ("_STDIN", "_PROMPT", "_ENV", "_FD", "_CMD", "_COMMAND")
_SWITCH_PREFIXES = (
    "NO_",
    "DISABLE_",
    "ENABLE_",
    "SKIP_",
    "WITHOUT_",
    "USE_",
    "REQUIRE_",
    "GENERATE_",
    "SHOW_",
    "PRINT_",
)
# Language-model servers count and split text into tokens: ``--tokenizer``, ``--max-tokens``.
_TEXT_TOKEN_PARTS = frozenset({"TOKENS", "TOKENIZER", "TOKENIZERS", "TOKENIZE", "TOKENIZATION"})
_OPTION = re.compile(r"^(--?)([A-Za-z][A-Za-z0-9_.-]*)(?:=(.*))?$", re.DOTALL)
_ASSIGNMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=", re.DOTALL)
_MYSQL_PASSWORD = re.compile(r"^-p(?!-)(.+)$", re.DOTALL)
# Values that say where the credential is rather than what it is.
_PATH_PREFIXES = ("/", "./", "../", "~/")
_SOURCE_PREFIXES = ("env:", "file:", "fd:")
_SPEC = re.compile(r"^(?:id|src|source|type|env)=")  # ``--secret id=npm,src=./npmrc``
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def compose_default(written: str) -> str | None:
    """The literal default of a compose ``${VAR:-x}``/``${VAR-x}`` (``$$`` is an escape)."""
    index, length = 0, len(written)
    while index < length:
        if written[index] != "$":
            index += 1
            continue
        if written[index + 1 : index + 2] == "$":
            index += 2
            continue
        name = _NAME.match(written, index + 2) if written[index + 1 : index + 2] == "{" else None
        if name is None:
            index += 1
            continue
        rest = written[name.end() :]
        dash = 2 if rest.startswith(":-") else 1 if rest.startswith("-") else 0
        close = rest.find("}")
        if dash and close > dash and "$" not in rest[dash:close]:
            return rest[dash:close]
        index = name.end()
    return None


def value_kind(value: str) -> str | None:
    """Say whether ``value`` (as written) ships a credential: "literal", "default" or None."""
    if "$" in value or "`" in value:
        default = compose_default(value)
        return "default" if default is not None and literal_secret_value(default) else None
    if (
        value.startswith(_PATH_PREFIXES)
        or value.lower().startswith(_SOURCE_PREFIXES)
        or _SPEC.match(value)
    ):
        return None
    return "literal" if literal_secret_value(value) else None


def credential_option(name: str) -> bool:
    """Does an option name (``requirepass``, ``api-key``, ``db.password``) take a credential?"""
    upper = name.upper().replace("-", "_").replace(".", "_")
    if upper in _EXTRA_OPTION_NAMES:
        return True
    if upper.endswith(_NOT_VALUE_SUFFIXES) or upper.startswith(_SWITCH_PREFIXES):
        return False
    return secret_key(upper) and not _TEXT_TOKEN_PARTS.intersection(upper.split("_"))


# ``su`` and ``runuser`` in its su form run ``-c SCRIPT`` with the target user's shell.
_SU = frozenset({"su", "runuser"})
_SU_SCRIPT_FLAG = re.compile(r"^-[lmpfP]*c$")  # ``-c``, or last of a cluster: ``-lc``
_SU_SCRIPT_OPTIONS = ("--command", "--session-command")


def _programs(words: Sequence[Word]) -> frozenset[str]:
    """Base names of the program a simple command runs, and of the wrappers in front of it.

    Empty when the words start with an option: the image's ENTRYPOINT is the program then.
    """
    texts = [word.text for word in words]
    chain = program_chain(texts)
    if chain[0] < len(texts) and texts[chain[0]].startswith("-"):
        return frozenset()
    return frozenset(basename(texts[index]) for index in chain if index < len(texts))


def _su_script(words: Sequence[Word], su_at: int, index: int) -> tuple[Word, int] | None:
    """The script of ``su ... -c SCRIPT`` at ``index``: its word and where its text starts.

    ``runuser -u USER -- CMD`` (and anything after ``--``) runs a command, not a script.
    """
    between = [word.text for word in words[su_at + 1 : index]]
    runs_command = basename(words[su_at].text) == "runuser" and bool(
        {"-u", "--user"}.intersection(between)
    )
    if "--" in between or runs_command:
        return None
    text = words[index].text
    if _SU_SCRIPT_FLAG.match(text) or text in _SU_SCRIPT_OPTIONS:
        return (words[index + 1], 0) if index + 1 < len(words) else None
    name, equals, _script = text.partition("=")
    if equals and name in _SU_SCRIPT_OPTIONS:
        return words[index], len(name) + 1
    return None


class _Scanner:
    """Walk the commands of one command line and collect every credential written in it.

    ``found``: credential options, assignments and token formats (DC330); ``urls``: the
    passwords of ``scheme://user:password@host`` connection strings (DC331).
    """

    def __init__(self) -> None:
        self.found: list[Found] = []
        self.urls: list[Found] = []

    def add(
        self,
        option: str,
        kind: str,
        word: Word,
        first: int,
        last: int,
        into: list[Found] | None = None,
    ) -> None:
        found = self.found if into is None else into
        start, end = word.span_of(first, last)
        for other in found:
            if other.node is word.node and other.start < end and start < other.end:
                return
        found.append(Found(option, kind, word.node, start, end))

    def value(self, option: str, word: Word, first: int) -> None:
        if written_url_password(word.text[first:]) is not None:
            return  # a connection string: DC331 reports the password inside it
        kind = value_kind(word.text[first:])
        if kind is not None:
            self.add(option, kind, word, first, len(word.text))

    def url(self, word: Word) -> None:
        found = url_credential(word.text)
        if found is not None and "`" not in word.text[found.start : found.end]:
            self.add(found.scheme, found.kind, word, found.start, found.end, self.urls)

    def subscript(self, word: Word, first: int) -> None:
        """Scan ``word.text[first:]`` as a shell script (``sh -c``, ``su -c``)."""
        for command in script_commands(word.text[first:], word.node, word.offsets[first:]):
            self.command(command)

    def command(self, words: list[Word]) -> None:
        programs = _programs(words)
        shell_at: int | None = None
        su_at: int | None = None
        skip: set[int] = set()
        for index, word in enumerate(words):
            if index in skip:
                continue
            text = word.text
            if basename(text) in _SHELLS:
                shell_at = index
            elif (
                shell_at is not None
                and _SHELL_SCRIPT_FLAG.match(text)
                and all(w.text.startswith("-") for w in words[shell_at + 1 : index])
            ):
                if index + 1 < len(words):
                    skip.add(index + 1)
                    self.subscript(words[index + 1], 0)
                shell_at = None
                continue
            elif basename(text) in _SU and basename(text) in programs:
                su_at = index
            elif su_at is not None and (script := _su_script(words, su_at, index)):
                payload, first = script
                if payload is not word:
                    skip.add(index + 1)
                self.subscript(payload, first)
                su_at = None
                continue
            self.url(word)
            taken = self.option(words, index, programs)
            if taken:
                skip.add(index + 1)
                self.url(words[index + 1])
            found = find_token(text)
            if found is not None:
                self.add("", found[0], word, found[1], found[2])

    def option(self, words: list[Word], index: int, programs: frozenset[str]) -> bool:
        """Check one word as an option or assignment; True when it takes the next word."""
        word = words[index]
        text = word.text
        following = words[index + 1] if index + 1 < len(words) else None
        if following is not None and following.text.startswith("-"):
            following = None
        assignment = _ASSIGNMENT.match(text)
        if assignment:
            if secret_key(assignment.group(1)):
                self.value(assignment.group(1), word, assignment.end())
            return False
        mysql = bool(programs & _MYSQL)
        if mysql and (glued := _MYSQL_PASSWORD.match(text)):
            self.value("-p", word, glued.start(1))
            return False
        if programs & _SHORT_PASSWORD_OPTIONS.get(text, frozenset()):
            if following is not None:
                self.value(text, following, 0)
            return following is not None
        if (text == "--user" or _USER_FLAG.match(text)) and programs & _USER_PASSWORD_PROGRAMS:
            colon = following.text.find(":") if following is not None else -1
            if following is not None and colon > 0:
                self.value(text, following, colon + 1)
            return following is not None
        option = _OPTION.match(text)
        if option is None or not credential_option(option.group(2)):
            return False
        name = option.group(1) + option.group(2)
        if option.group(3) is not None:
            self.value(name, word, option.start(3))
            return False
        prompts = mysql or bool(programs & _POSTGRES)
        if following is None or (prompts and option.group(2).lower() == "password"):
            return False
        self.value(name, following, 0)
        return True


def _scanned(commands: Sequence[list[Word]]) -> _Scanner:
    scanner = _Scanner()
    for words in commands:
        scanner.command(words)
    return scanner


def _items(nodes: Sequence[object]) -> list[Word]:
    return [
        item_word(node) for node in nodes if isinstance(node, ScalarNode) and node.value is not None
    ]


def _script(node: ScalarNode) -> list[list[Word]]:
    return script_commands(node.text, node, range(len(node.text)))


def _command_field(node: object) -> list[list[Word]]:
    """The words of a ``command``/``entrypoint`` value (string or list form): one command."""
    if isinstance(node, ScalarNode) and isinstance(node.value, str):
        return [split_command_string(node)]
    if isinstance(node, SequenceNode):
        return [_items(node.items)]
    return []


def _healthcheck(test: object) -> list[list[Word]]:
    """The commands of ``healthcheck.test``: a string and ``CMD-SHELL`` are shell scripts."""
    if isinstance(test, ScalarNode) and isinstance(test.value, str):
        return _script(test)
    if isinstance(test, SequenceNode) and test.items:
        first = test.items[0]
        form = first.value if isinstance(first, ScalarNode) else None
        script = test.items[1] if len(test.items) > 1 else None
        if form == "CMD-SHELL" and isinstance(script, ScalarNode):
            return _script(script)
        if form == "CMD":
            return [_items(test.items[1:])]
        if form not in ("NONE", "CMD-SHELL"):
            return [_items(test.items)]
    return []


def _fields(service: Service) -> Iterator[tuple[str, list[list[Word]]]]:
    """``(field, commands)`` of every command line a service runs.

    ``entrypoint``, ``command``, ``healthcheck.test`` and the ``command`` of the
    ``post_start``/``pre_stop`` lifecycle hooks.
    """
    fields = [(key, _command_field(service.get(key))) for key in ("entrypoint", "command")]
    health = service.get("healthcheck")
    fields.append(
        (
            "healthcheck.test",
            _healthcheck(health.get("test") if isinstance(health, MappingNode) else None),
        )
    )
    for hook in ("post_start", "pre_stop"):
        hooks = service.get(hook)
        if not isinstance(hooks, SequenceNode):
            continue
        for position, item in enumerate(hooks.items):
            command = item.get("command") if isinstance(item, MappingNode) else None
            fields.append((f"{hook}[{position}].command", _command_field(command)))
    for field, commands in fields:
        if commands:
            yield field, commands


def command_lines(service: Service) -> Iterator[tuple[str, list[Found]]]:
    """``(field, credentials)`` for every command line of a service (DC330)."""
    for field, commands in _fields(service):
        yield field, _scanned(commands).found


def command_urls(service: Service) -> Iterator[tuple[str, list[Found]]]:
    """``(field, URL passwords)`` for every command line of a service (DC331).

    ``Found.option`` is the URL's scheme; ``kind`` "literal" or "default".
    """
    for field, commands in _fields(service):
        yield field, _scanned(commands).urls


# ---------------------------------------------------------------------------------------------
# Positions


def _exact(node: ScalarNode) -> bool:
    """Is every character of ``node.text`` one character of the source, on one line?"""
    span = node.span
    quote = 2 if node.quoted else 0
    return (
        span.start.line == span.end.line
        and node.style in ("plain", "single", "double")
        and span.end.column - span.start.column - quote == len(node.text)
    )


def _offset(line_starts: list[int], position: Position) -> int:
    line = min(max(position.line, 1), len(line_starts))
    return line_starts[line - 1] + position.column - 1


def text_span(node: ScalarNode, start: int, end: int, source: str | None) -> Span:
    """The span of ``node.text[start:end]`` in the file.

    Exact for one-line scalars without escapes; for block, folded, multi-line and escaped
    scalars the same occurrence of the text is looked for in the source; failing that, the
    whole scalar.
    """
    if _exact(node) or source is None:
        return sub_span(node, start, end)
    needle = node.text[start:end]
    if not needle or "\n" in needle:
        return node.span
    rank = 0
    found = node.text.find(needle)
    while 0 <= found < start:
        rank += 1
        found = node.text.find(needle, found + 1)
    line_starts = [0] + [i + 1 for i, char in enumerate(source) if char == "\n"]
    low = _offset(line_starts, node.span.start)
    high = _offset(line_starts, node.span.end)
    at = source.find(needle, low, high)
    for _ in range(rank):
        if at < 0:
            break
        at = source.find(needle, at + 1, high)
    if at < 0:
        return node.span
    line = next(i for i in range(len(line_starts) - 1, -1, -1) if line_starts[i] <= at)
    column = at - line_starts[line] + 1
    return Span(Position(line + 1, column), Position(line + 1, column + len(needle)))
