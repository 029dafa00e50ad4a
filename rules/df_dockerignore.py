"""The build context and its .dockerignore, seen from the COPY and ADD that use them.

``context.build_context`` is the folder sent to the builder (the Dockerfile's folder, ``--context``
or a compose service's ``build.context``) and ``context.dockerignore`` its matcher (None when the
context has no ignore file). Findings are reported at the COPY/ADD source that sends the files:
that is the line to change (or the reason to change the .dockerignore).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from fnmatch import fnmatchcase
from pathlib import Path

from linter import Diagnostic, DockerfileContext, Severity, Span
from linter.dockerfile.ast import Instruction
from linter.dockerfile.dockerignore import DockerIgnore, clean_path
from linter.records import record
from linter.targets import DockerfileRule, InstructionRule

from ._dockerfile_words import strip_quotes
from ._secrets import secret_file

# How many entries of the context are looked at, at most (a huge context is not walked whole).
WALK_LIMIT = 20000
_GLOB = frozenset("*?[")
# Entries whose presence makes a missing .dockerignore costly: history, secrets, dependencies.
_NOTABLE = (
    ".git",
    "node_modules",
    ".venv",
    "venv",
    "__pycache__",
    ".env",
    ".terraform",
    ".idea",
    ".vscode",
    ".pytest_cache",
    ".mypy_cache",
    ".tox",
)


@record(compiled=True)
class Source:
    """A COPY/ADD source inside the build context, relative to its root."""

    path: str  # cleaned, relative to the context root ("." for the whole context)
    text: str  # as written
    span: Span
    instruction: Instruction


def context_sources(context: DockerfileContext) -> Iterator[Source]:
    """The sources of every COPY/ADD that reads the build context (not --from, URLs, heredocs)."""
    for instruction in context.dockerfile.instructions:
        yield from sources_of(instruction)


def sources_of(instruction: Instruction) -> Iterator[Source]:
    """The build-context sources of a COPY/ADD (ONBUILD's run in the downstream build)."""
    if instruction.keyword not in ("COPY", "ADD") or instruction.flag("from") is not None:
        return
    if instruction.json_args is not None:
        span = instruction.arguments_span or instruction.span
        written = [(text, span) for text in instruction.json_args[:-1]]
    else:
        written = [(strip_quotes(word.text), word.span) for word in instruction.words[:-1]]
    heredoc_names = {heredoc.delimiter for heredoc in instruction.heredocs}
    for text, span in written:
        if not text or "$" in text or text.startswith("<<") or text in heredoc_names:
            continue
        if "://" in text or text.startswith("git@"):
            continue
        path = clean_path(text.replace("\\", "/").lstrip("/") or ".")
        if path.startswith(".."):
            continue
        yield Source(path, text, span, instruction)


def covers(source: str, path: str) -> bool:
    """Whether COPY ``source`` (a path or glob) sends ``path`` (both context-relative)."""
    if source == ".":
        return True
    source_parts = source.split("/")
    path_parts = path.split("/")
    if len(path_parts) < len(source_parts):
        return False
    return all(
        fnmatchcase(part, pattern) for part, pattern in zip(path_parts, source_parts, strict=False)
    )


def _ignored(ignore: DockerIgnore | None, path: str) -> bool:
    return ignore is not None and ignore.matches(path)


def walk_context(root: Path, ignore: DockerIgnore | None) -> Iterator[tuple[str, bool]]:
    """(relative path, is a directory) of what the context sends, ignored parts pruned.

    Stops after ``WALK_LIMIT`` entries. ``.git`` is yielded but not entered.
    """
    seen = 0
    for folder, dirs, files in os.walk(root):
        relative = os.path.relpath(folder, root).replace(os.sep, "/")
        prefix = "" if relative == "." else relative + "/"
        kept = []
        for name in sorted(dirs):
            path = prefix + name
            if ignore is not None and ignore.excludes_everything_under(path):
                continue
            seen += 1
            if not _ignored(ignore, path):
                yield path, True
            if name != ".git" and not os.path.islink(os.path.join(folder, name)):
                kept.append(name)
        dirs[:] = kept
        for name in sorted(files):
            seen += 1
            path = prefix + name
            if not _ignored(ignore, path):
                yield path, False
        if seen > WALK_LIMIT:
            return


# ---------------------------------------------------------------------------------------------
# DF700 no .dockerignore


class MissingDockerignore(DockerfileRule):
    code = "DF700"
    name = "missing-dockerignore"
    tags = ("dockerignore", "layer-bloat", "security")
    severity = Severity.WARNING
    summary = "The whole build context is copied and there is no .dockerignore"
    description = (
        "`COPY . .` (or `ADD .`, `COPY * ./`) copies everything in the build context into the "
        "image: `.git`, local virtualenvs and `node_modules`, editor folders, `.env` files. "
        "Without a `.dockerignore` (nor a `<Dockerfile>.dockerignore` beside the Dockerfile) "
        "nothing is left out. Reported once, at the first such COPY; as a warning when the "
        "context holds something that should clearly stay out (named in the message), as info "
        "otherwise. Nothing is reported when the build context is unknown (standard input)."
    )
    bad = {
        "Dockerfile": "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n",
        "app.py": "print('hi')\n",
        ".env": "DEBUG=1\n",
    }
    good = {
        "Dockerfile": "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n",
        "app.py": "print('hi')\n",
        ".env": "DEBUG=1\n",
        ".dockerignore": ".env\n.git\n",
    }

    def check(self, context: DockerfileContext) -> Iterator[Diagnostic]:
        root = context.build_context
        if root is None or context.dockerignore_path is not None:
            return
        whole = next(
            (s for s in context_sources(context) if s.path == "." or set(s.path) <= {"*"}), None
        )
        if whole is None:
            return
        names = _top_names(root)  # one listing instead of a stat per notable name
        notable = [name for name in _NOTABLE if name in names]
        notable.extend(
            sorted(
                name
                for name in list(names)[:WALK_LIMIT]
                if secret_file(name) and name not in notable
            )
        )
        if notable:
            listed = ", ".join(notable[:4])
            what = f"{whole.instruction.keyword} {whole.text}"
            yield self.report(
                context.path,
                whole.span,
                f"{what} sends the whole context into the image, "
                f"including {listed}, and there is no .dockerignore. Add one.",
            )
        else:
            what = f"{whole.instruction.keyword} {whole.text}"
            yield self.report(
                context.path,
                whole.span,
                f"{what} sends the whole build context into the image "
                "and there is no .dockerignore to keep files out.",
                severity=Severity.INFO,
            )


def _top_names(root: Path) -> dict[str, None]:
    """The names in the context's top folder, in listing order."""
    try:
        return dict.fromkeys(os.listdir(root))
    except OSError:
        return {}


# ---------------------------------------------------------------------------------------------
# DF701 sensitive files sent into the image


class SensitiveFileNotIgnored(DockerfileRule):
    code = "DF701"
    name = "sensitive-file-not-ignored"
    tags = ("dockerignore", "security")
    severity = Severity.WARNING
    summary = "COPY sends .git, a .env file or a private key from the context into the image"
    description = (
        "The build context is walked (up to 20,000 entries, skipping what the `.dockerignore` "
        "excludes) for files that must not end up in an image: the `.git` folder (the whole "
        "history, often with credentials in its config), `.env` files, private keys and "
        "credential files (`id_rsa`, `*.key`, `*key.pem`, `.netrc`, ...). When a COPY or ADD "
        "source covers one of them (`COPY . .`, `COPY config/ ...`), it is reported at that "
        "source: add the file to `.dockerignore`. Keys and `.env` files are errors; `.git` is "
        "a warning."
    )
    bad = {
        "Dockerfile": "FROM node:20-slim\nWORKDIR /app\nCOPY . .\n",
        ".dockerignore": "node_modules\n",
        ".env": "API_TOKEN=abc\n",
        "index.js": "console.log(1)\n",
    }
    good = {
        "Dockerfile": "FROM node:20-slim\nWORKDIR /app\nCOPY . .\n",
        ".dockerignore": "node_modules\n.env\n",
        ".env": "API_TOKEN=abc\n",
        "index.js": "console.log(1)\n",
    }

    def check(self, context: DockerfileContext) -> Iterator[Diagnostic]:
        root = context.build_context
        if root is None:
            return
        sources = list(context_sources(context))
        if not sources:
            return
        sensitive = [
            (path, is_dir)
            for path, is_dir in walk_context(root, context.dockerignore)
            if (is_dir and path.rsplit("/", 1)[-1] == ".git") or (not is_dir and secret_file(path))
        ]
        if not sensitive:
            return
        for source in sources:
            sent = [path for path, _is_dir in sensitive if covers(source.path, path)]
            if not sent:
                continue
            secrets = [path for path in sent if path.rsplit("/", 1)[-1] != ".git"]
            listed = ", ".join(sent[:3]) + (f" and {len(sent) - 3} more" if len(sent) > 3 else "")
            yield self.report(
                context.path,
                source.span,
                f"{source.instruction.keyword} {source.text} puts {listed} into the image; "
                f"add {'it' if len(sent) == 1 else 'them'} to .dockerignore.",
                severity=Severity.ERROR if secrets else Severity.WARNING,
            )


# ---------------------------------------------------------------------------------------------
# DF702 COPY of an ignored path


class CopyIgnoredFile(InstructionRule):
    code = "DF702"
    name = "copy-ignored-file"
    tags = ("dockerignore", "reliability")
    severity = Severity.ERROR
    summary = "COPY or ADD names a path the .dockerignore excludes"
    description = (
        "Files excluded by `.dockerignore` are not sent to the builder, so a COPY of them "
        'fails with "not found" (or, for a glob, silently copies less). Matching follows '
        "Docker's rules, `!` exceptions included (BuildKit's CopyIgnoredFile gives up on any "
        "`!`): a path is reported only when it is excluded and no later exception can bring "
        "anything in it back. Globs are reported when every matching file in the context is "
        "excluded."
    )
    bad = {
        "Dockerfile": "FROM nginx:1.27\nCOPY dist/ /usr/share/nginx/html/\n",
        ".dockerignore": "dist\n",
        "dist/index.html": "<h1>hi</h1>\n",
    }
    good = {
        "Dockerfile": "FROM nginx:1.27\nCOPY dist/ /usr/share/nginx/html/\n",
        ".dockerignore": "dist/*.map\n",
        "dist/index.html": "<h1>hi</h1>\n",
    }
    aliases = ("CopyIgnoredFile",)

    keywords = frozenset({"COPY", "ADD"})

    def check(self, instruction: Instruction, context: DockerfileContext) -> Iterator[Diagnostic]:
        ignore = context.dockerignore
        root = context.build_context
        if ignore is None or not ignore.patterns:
            return
        for source in sources_of(instruction):
            if source.path == ".":
                continue
            if _GLOB.intersection(source.path):
                if root is None or not self._glob_all_ignored(root, ignore, source.path):
                    continue
            elif not ignore.excludes_everything_under(source.path):
                continue
            decider = ignore.match_line(source.path)
            where = f" (line {decider.line}: {decider.raw})" if decider is not None else ""
            yield self.report(
                context.path,
                source.span,
                f"{source.text} is excluded by .dockerignore{where}: the builder "
                "never receives it.",
            )

    @staticmethod
    def _glob_all_ignored(root: Path, ignore: DockerIgnore, pattern: str) -> bool:
        try:
            matches = [p.relative_to(root).as_posix() for p in root.glob(pattern)][:WALK_LIMIT]
        except (OSError, ValueError):
            return False
        return bool(matches) and all(ignore.matches(path) for path in matches)


RULES = (MissingDockerignore, SensitiveFileNotIgnored, CopyIgnoredFile)
