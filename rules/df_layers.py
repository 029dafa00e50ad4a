"""Layer bloat across instructions: what one layer adds stays even if a later one removes it.

An image is the stack of all its layers. Deleting, chowning or extracting in a later RUN
does not shrink an earlier layer; it adds a new one on top. These rules follow what each
instruction of a stage writes and what later RUNs do to it. Like the cache rules they
skip builder stages that only feed ``COPY --from``: their layers never ship.
"""

from __future__ import annotations

import fnmatch
import posixpath
from collections.abc import Iterator, Sequence

from linter import Applicability, Diagnostic, DockerfileContext, Fix, Fixable, Severity, Span
from linter.dockerfile.ast import Instruction, Stage
from linter.dockerfile.shell import Command, basename, split_arguments
from linter.records import record
from linter.targets import InstructionRule, StageRule

from ._packages import dependency_install, parse_invocation
from ._paths import path_covers
from ._runs import absolute, commands, mount_flags_key, mounts, ships

_ARCHIVE_SUFFIXES = (
    ".tar",
    ".tar.gz",
    ".tgz",
    ".tar.bz2",
    ".tbz2",
    ".tbz",
    ".tar.xz",
    ".txz",
    ".tar.zst",
    ".tar.lz",
    ".gz",
    ".bz2",
    ".xz",
    ".zst",
    ".lz",
    ".lzma",
    ".Z",
    ".zip",
    ".7z",
    ".rar",
)


@record(compiled=True)
class _Written:
    """A path an instruction put into the stage's filesystem."""

    path: str  # absolute, normalised
    line: int
    how: str  # "COPY", "ADD", "curl", ...


def _copy_sources_and_dest(instruction: Instruction) -> tuple[list[tuple[str, Span]], str] | None:
    if instruction.json_args is not None:
        if len(instruction.json_args) < 2:
            return None
        span = instruction.arguments_span or instruction.span
        return [(s, span) for s in instruction.json_args[:-1]], instruction.json_args[-1]
    words = [w for w in instruction.words if not w.text.startswith("<<")]
    if len(words) < 2:
        return None
    return [(w.text.strip("\"'"), w.span) for w in words[:-1]], words[-1].text.strip("\"'")


def _copy_writes(instruction: Instruction, workdir: str) -> list[_Written]:
    """The paths a COPY/ADD writes (both readings when the destination may be a folder)."""
    parsed = _copy_sources_and_dest(instruction)
    if parsed is None or instruction.heredocs:
        return []
    sources, dest = parsed
    if "$" in dest:
        return []
    target = absolute(dest, workdir)
    written = [_Written(target, instruction.line, instruction.keyword)]
    for source, _ in sources:
        name = basename(source.split("?", 1)[0])
        if (
            instruction.keyword == "ADD"
            and "://" not in source
            and source.endswith(_ARCHIVE_SUFFIXES[:12])
        ):
            return []  # ADD extracts a local archive: its name is never written
        if name and name not in {".", "*"} and not any(c in name for c in "*?["):
            written.append(
                _Written(posixpath.join(target, name), instruction.line, instruction.keyword)
            )
    return written


_CURL_VALUES = frozenset(
    {
        "-o",
        "--output",
        "-H",
        "--header",
        "-d",
        "--data",
        "--data-binary",
        "--data-raw",
        "--data-urlencode",
        "-u",
        "--user",
        "-A",
        "--user-agent",
        "-e",
        "--referer",
        "-X",
        "--request",
        "-w",
        "--write-out",
        "-m",
        "--max-time",
        "--connect-timeout",
        "--retry",
        "--retry-delay",
        "--retry-max-time",
        "-x",
        "--proxy",
        "-T",
        "--upload-file",
        "-F",
        "--form",
        "-b",
        "--cookie",
        "-c",
        "--cookie-jar",
        "-K",
        "--config",
        "--cacert",
        "--cert",
        "--key",
        "-r",
        "--range",
        "-z",
        "--output-dir",
        "-C",
        "--continue-at",
        "--limit-rate",
        "-Y",
        "-y",
        "--resolve",
        "--interface",
        "-E",
        "--url",
        "--proto",
        "--proto-redir",
        "--oauth2-bearer",
        "-D",
        "--dump-header",
        "--stderr",
        "--trace",
        "--trace-ascii",
    }
)
_WGET_VALUES = frozenset(
    {
        "-O",
        "--output-document",
        "-P",
        "--directory-prefix",
        "-o",
        "--output-file",
        "-a",
        "--append-output",
        "-t",
        "--tries",
        "-T",
        "--timeout",
        "-U",
        "--user-agent",
        "--header",
        "-e",
        "--execute",
        "--user",
        "--password",
        "-i",
        "--input-file",
        "-B",
        "--base",
        "--post-data",
        "--progress",
        "-w",
        "--wait",
        "-Q",
        "--quota",
        "--limit-rate",
        "--ca-certificate",
        "--certificate",
        "--private-key",
        "-l",
        "--level",
        "-A",
        "--accept",
        "-R",
        "--reject",
        "-D",
        "--domains",
    }
)
_GIT_CLONE_VALUES = frozenset(
    {
        "-b",
        "--branch",
        "--depth",
        "-o",
        "--origin",
        "-c",
        "--config",
        "--reference",
        "--filter",
        "-j",
        "--jobs",
        "--separate-git-dir",
        "--template",
        "-u",
        "--upload-pack",
        "--shallow-since",
        "--shallow-exclude",
    }
)


def _url_name(url: str) -> str:
    path = url.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    return basename(path) if "/" in path else ""


def _download_writes(command: Command, workdir: str) -> list[str]:
    """Files a curl/wget/git clone command writes, as absolute paths."""
    program = command.program
    texts = command.texts
    found: list[str] = []
    if program == "curl":
        options, operands = split_arguments(texts, command.start, _CURL_VALUES)
        directory = workdir
        for option in options:
            if option.name == "--output-dir" and option.value:
                directory = absolute(option.value, workdir)
        for option in options:
            if option.name in {"-o", "--output"} and option.value and option.value != "-":
                found.append(absolute(option.value, directory))
        if any(option.name in {"-O", "--remote-name"} for option in options):
            found.extend(
                absolute(name, directory)
                for name in (_url_name(texts[o]) for o in operands)
                if name
            )
    elif program == "wget":
        options, operands = split_arguments(texts, command.start, _WGET_VALUES)
        output = next(
            (o.value for o in options if o.name in {"-O", "--output-document"} and o.value), None
        )
        prefix = next(
            (o.value for o in options if o.name in {"-P", "--directory-prefix"} and o.value), None
        )
        if output is not None:
            if output != "-":
                found.append(absolute(output, workdir))
        else:
            directory = absolute(prefix, workdir) if prefix else workdir
            found.extend(
                absolute(name, directory)
                for name in (_url_name(texts[o]) for o in operands)
                if name
            )
    elif program == "git":
        start = command.start
        positional = [
            i for i, w in enumerate(texts[start + 1 :], start + 1) if not w.startswith("-")
        ]
        if positional and texts[positional[0]] == "clone":
            _, operands = split_arguments(texts, positional[0], _GIT_CLONE_VALUES)
            if len(operands) >= 2:
                found.append(absolute(texts[operands[1]], workdir))
            elif operands:
                name = _url_name(texts[operands[0]]).removesuffix(".git")
                if name:
                    found.append(absolute(name, workdir))
    return [path for path in found if "$" not in path]


def _removed_paths(command: Command) -> list[tuple[str, int]]:
    """(path, argv index) of what an ``rm`` command deletes."""
    if command.program != "rm":
        return []
    texts = command.texts
    _, operands = split_arguments(texts, command.start, ())
    return [(texts[index], index) for index in operands]


def _matches(removed: str, written: str) -> bool:
    """Does deleting ``removed`` (maybe a glob, maybe a folder) delete ``written``?"""
    if any(c in removed for c in "*?["):
        pattern = removed.rstrip("/")
        return fnmatch.fnmatchcase(written, pattern) or fnmatch.fnmatchcase(written, pattern + "/*")
    return path_covers(removed, written)


def _has_cd(cmds: Sequence[Command]) -> bool:
    return any(c.head in {"cd", "pushd"} for c in cmds if c.argv)


def _tmp_mounted(instruction: Instruction, path: str) -> bool:
    return any(
        m.type in {"tmpfs", "cache", "bind"} and m.target and path_covers(m.target, path)
        for m in mounts(instruction)
    )


class DeletedInLaterLayer(StageRule):
    code = "DF320"
    name = "deleted-in-later-layer"
    tags = ("layer-bloat",)
    severity = Severity.WARNING
    summary = "A file added in one layer is deleted in a later RUN"
    description = (
        "A file that a COPY/ADD, or a `curl -o`/`wget`/`git clone` in a RUN, put into the "
        "image stays in that layer forever; an `rm` in a later RUN only hides it, and the "
        "image is no smaller. Download, use and delete in the same RUN, mount the file "
        "instead (`RUN --mount=type=bind,source=x.tar.gz,target=/tmp/x.tar.gz`), or do the "
        "work in a builder stage and copy out only the result."
    )
    bad = (
        "FROM debian:12\nCOPY app.tar.gz /tmp/\n"
        "RUN tar -xzf /tmp/app.tar.gz -C /opt && rm /tmp/app.tar.gz\n"
    )
    good = (
        "FROM debian:12\n"
        "RUN --mount=type=bind,source=app.tar.gz,target=/tmp/app.tar.gz \\\n"
        "    tar -xzf /tmp/app.tar.gz -C /opt\n"
    )

    def check(self, stage: Stage, context: DockerfileContext) -> Iterator[Diagnostic]:
        if not ships(context, stage):
            return
        written: list[_Written] = []
        for instruction in stage.instructions:
            workdir = context.workdir_at(instruction)
            if instruction.keyword in {"COPY", "ADD"}:
                written.extend(_copy_writes(instruction, workdir))
                continue
            if instruction.keyword != "RUN":
                continue
            cmds = commands(context, instruction)
            relative_ok = not _has_cd(cmds)
            for command in cmds:
                for text, index in _removed_paths(command):
                    if not text.startswith("/") and not relative_ok:
                        continue
                    path = absolute(text, workdir) if "$" not in text else None
                    if path is None or path == "/":
                        continue
                    hit = next((w for w in written if _matches(path, w.path)), None)
                    if hit is not None:
                        small = hit.how in {"COPY", "ADD"} and not hit.path.endswith(
                            _ARCHIVE_SUFFIXES
                        )
                        yield self.report(
                            context.path,
                            command.word_span(index),
                            f"`{text}` was added by {hit.how} on line {hit.line}: deleting it in "
                            "a later layer saves nothing, the bytes stay in that layer. Delete "
                            "it in the same RUN, or mount it instead of adding it.",
                            severity=Severity.INFO if small else None,
                        )
            new: list[_Written] = []
            for position, command in enumerate(cmds):
                if not relative_ok and any(
                    not p.startswith("/") for p in _download_writes(command, "")
                ):
                    continue
                for path in _download_writes(command, workdir):
                    if _tmp_mounted(instruction, path):
                        continue
                    later = cmds[position + 1 :]
                    if any(
                        _matches(absolute(t, workdir), path)
                        for c in later
                        for t, _ in _removed_paths(c)
                    ):
                        continue
                    new.append(
                        _Written(
                            path,
                            instruction.line,
                            command.program or "",
                        )
                    )
            written.extend(new)


_CHANGE_OWNER_VALUES = frozenset({"--reference", "--from"})


def _recursive_targets(command: Command) -> tuple[str, bool, list[tuple[str, int]]] | None:
    """(program, recursive, [(path, index)]) for chown/chmod/chgrp commands."""
    program = command.program
    if program not in {"chown", "chmod", "chgrp"}:
        return None
    texts = command.texts
    options, operands = split_arguments(texts, command.start, _CHANGE_OWNER_VALUES)
    recursive = any(o.name in {"-R", "--recursive"} for o in options)
    has_reference = any(o.name == "--reference" for o in options)
    paths = operands if has_reference else operands[1:]
    return program, recursive, [(texts[index], index) for index in paths]


class RecursiveChownAfterCopy(StageRule):
    code = "DF321"
    name = "chown-after-copy"
    tags = ("layer-bloat",)
    severity = Severity.WARNING
    summary = "chown -R / chmod -R in a RUN over files an earlier COPY wrote"
    description = (
        "Changing the owner or mode of a file in a later layer stores the whole file again in "
        "that layer: after `COPY . /app`, `RUN chown -R app:app /app` doubles the size of the "
        "application in the image. Set ownership and mode as the files are copied with "
        "`COPY --chown=app:app` and `COPY --chmod=755`."
    )
    bad = (
        "FROM node:20-slim\nWORKDIR /app\nCOPY . /app\nRUN chown -R node:node /app\n"
        'USER node\nCMD ["node", "server.js"]\n'
    )
    good = (
        "FROM node:20-slim\nWORKDIR /app\nCOPY --chown=node:node . /app\n"
        'USER node\nCMD ["node", "server.js"]\n'
    )

    def check(self, stage: Stage, context: DockerfileContext) -> Iterator[Diagnostic]:
        if not ships(context, stage):
            return
        copied: list[_Written] = []
        for instruction in stage.instructions:
            workdir = context.workdir_at(instruction)
            if instruction.keyword in {"COPY", "ADD"}:
                parsed = _copy_sources_and_dest(instruction)
                if parsed is not None and "$" not in parsed[1] and not instruction.heredocs:
                    copied.extend(_copy_writes(instruction, workdir)[:1])
                continue
            if instruction.keyword != "RUN" or not copied:
                continue
            cmds = commands(context, instruction)
            relative_ok = not _has_cd(cmds)
            for command in cmds:
                found = _recursive_targets(command)
                if found is None or not found[1]:
                    continue
                program, _, paths = found
                for text, _index in paths:
                    if "$" in text or (not text.startswith("/") and not relative_ok):
                        continue
                    path = absolute(text, workdir)
                    hit = next((c for c in copied if path_covers(path, c.path)), None)
                    if hit is None:
                        continue
                    flag = "--chown" if program in {"chown", "chgrp"} else "--chmod"
                    start = command.word_span(command.start).start
                    yield self.report(
                        context.path,
                        Span(start, command.span.end),
                        f"`{program}` over `{text}` rewrites what {hit.how} on line {hit.line} "
                        "wrote into a new layer, so the image stores those files twice; use "
                        f"`{hit.how} {flag}=...` instead.",
                    )
                    break


_EXTRACTORS = {
    "unzip",
    "gunzip",
    "bunzip2",
    "unxz",
    "zcat",
    "unzstd",
    "unlzma",
    "7z",
    "7za",
    "xzcat",
    "bzcat",
    "unrar",
}
_DECOMPRESS_FLAG = {"gzip", "bzip2", "xz", "zstd", "lzma"}


def _extracted_names(command: Command) -> list[str]:
    """Base names of the archives an extraction command reads."""
    program = command.program
    args = command.texts[command.start + 1 :]
    if program == "tar":
        first = args[0] if args else ""
        cluster = first.lstrip("-") if first and not first.startswith("--") else ""
        extract = (
            "x" in cluster
            or any(a in {"--extract", "--get"} for a in args)
            or any(a.startswith("-") and not a.startswith("--") and "x" in a for a in args)
        )
        if not extract:
            return []
    elif program in _DECOMPRESS_FLAG:
        if not any(
            a in {"-d", "--decompress"}
            or (a.startswith("-") and not a.startswith("--") and "d" in a)
            for a in args
        ):
            return []
    elif program not in _EXTRACTORS:
        return []
    return [basename(a) for a in args if a.endswith(_ARCHIVE_SUFFIXES)]


class ArchiveCopiedThenExtracted(StageRule):
    code = "DF322"
    name = "archive-copied-then-extracted"
    tags = ("layer-bloat",)
    severity = Severity.INFO
    summary = "An archive is COPYed, then extracted in a later RUN"
    description = (
        "The archive stays in the COPY layer next to its extracted content, so the image "
        "carries it twice. `ADD` extracts local tar archives (gzip, bzip2, xz) in one layer; "
        "for other formats extract from a bind mount: "
        "`RUN --mount=type=bind,source=x.zip,target=/tmp/x.zip unzip /tmp/x.zip -d /opt`."
    )
    bad = "FROM debian:12\nCOPY app.tar.gz /opt/\nRUN tar -xzf /opt/app.tar.gz -C /opt\n"
    good = "FROM debian:12\nADD app.tar.gz /opt/\n"
    aliases = ("DL3010",)

    def check(self, stage: Stage, context: DockerfileContext) -> Iterator[Diagnostic]:
        if not ships(context, stage):
            return
        archives: dict[str, tuple[Instruction, Span]] = {}
        for instruction in stage.instructions:
            if instruction.keyword == "COPY" and instruction.flag("from") is None:
                parsed = _copy_sources_and_dest(instruction)
                for source, span in parsed[0] if parsed else []:
                    if source.endswith(_ARCHIVE_SUFFIXES):
                        archives[basename(source)] = (instruction, span)
                continue
            if instruction.keyword != "RUN" or not archives:
                continue
            for command in commands(context, instruction):
                for name in _extracted_names(command):
                    if name not in archives:
                        continue
                    _copy, span = archives.pop(name)
                    hint = (
                        "use ADD, which extracts it in one layer"
                        if ".tar" in name or name.endswith((".tgz", ".tbz2", ".txz"))
                        else "extract it from a RUN --mount=type=bind instead"
                    )
                    yield self.report(
                        context.path,
                        span,
                        f"`{name}` is extracted on line {instruction.line}, but the archive "
                        f"itself stays in this COPY layer; {hint}.",
                    )


class UseraddLargeUid(InstructionRule):
    code = "DF323"
    name = "useradd-large-uid"
    tags = ("layer-bloat",)
    severity = Severity.WARNING
    summary = "useradd with a large UID and without --no-log-init"
    description = (
        "useradd records the new user in `/var/log/lastlog` and `/var/log/faillog`, sparse "
        "files indexed by UID. Docker layers do not keep files sparse, so a UID such as "
        "123456789 writes gigabytes of zeros into the layer. Pass `-l` (`--no-log-init`). "
        "Checked in every stage: a huge layer slows even a builder stage."
    )
    bad = "FROM debian:12\nRUN useradd -u 123456789 app\n"
    good = "FROM debian:12\nRUN useradd --no-log-init -u 123456789 app\n"
    aliases = ("DL3046",)
    fixable = Fixable.SOMETIMES
    keywords = frozenset({"RUN"})
    onbuild = True

    def check(self, run: Instruction, context: DockerfileContext) -> Iterator[Diagnostic]:
        if run.stage_index is None:
            return
        for command in commands(context, run):
            if command.program != "useradd":
                continue
            options = command.options()
            uid = next((o for o in options if o.name in {"-u", "--uid"}), None)
            if uid is None or uid.value is None or not uid.value.isdigit() or len(uid.value) <= 5:
                continue
            if any(o.name in {"-l", "--no-log-init"} for o in options):
                continue
            fix = Fix(
                "Add --no-log-init",
                (command.insert_after(command.start, "--no-log-init"),),
                Applicability.SAFE,
            )
            yield self.report(
                context.path,
                command.word_span(uid.index),
                f"UID {uid.value} without -l/--no-log-init: useradd fills the sparse "
                "lastlog/faillog files, and the layer stores them as real zeros (can be "
                "gigabytes). Add --no-log-init.",
                fix,
            )


# Commands whose RUN is cheap and worth merging with its neighbour.
_CHEAP = {
    "mkdir",
    "chown",
    "chmod",
    "chgrp",
    "ln",
    "echo",
    "printf",
    "useradd",
    "groupadd",
    "adduser",
    "addgroup",
    "usermod",
    "sed",
    "rm",
    "cp",
    "mv",
    "touch",
    "cat",
    "tee",
    "true",
    ":",
    "set",
    "export",
    "cd",
    "install",
    "update-alternatives",
    "locale-gen",
    "ldconfig",
    "update-ca-certificates",
    "rmdir",
    "id",
    "whoami",
    "test",
    "[",
}


def _cheap(cmds: Sequence[Command]) -> bool:
    return bool(cmds) and all(c.program in _CHEAP for c in cmds if c.start < len(c.argv))


def _only_list_update(cmds: Sequence[Command]) -> str | None:
    managers = set()
    for command in cmds:
        invocation = parse_invocation(command.texts)
        if (
            invocation is not None
            and invocation.action == "update"
            and invocation.manager in {"apt-get", "apt", "apk"}
        ):
            managers.add("apt" if invocation.manager.startswith("apt") else "apk")
        elif command.head not in _CHEAP:
            return None
    return managers.pop() if len(managers) == 1 else None


def _installs_with(cmds: Sequence[Command], family: str) -> bool:
    for command in cmds:
        invocation = parse_invocation(command.texts)
        if (
            invocation is not None
            and invocation.action == "install"
            and invocation.manager.startswith(family)
        ):
            return True
    return False


class ConsecutiveRuns(StageRule):
    code = "DF324"
    name = "consecutive-runs"
    tags = ("layer-bloat", "build-cache")
    severity = Severity.INFO
    summary = "Consecutive RUNs that belong in one layer"
    description = (
        "Each RUN is a layer and a cache step. Splitting is right when it helps the cache: an "
        "expensive dependency install followed by a build step, or RUNs with different "
        "`--mount` flags. It is only overhead when both RUNs do quick housekeeping (`mkdir`, "
        "`chown`, `ln`, `useradd`, `echo ... >`), and harmful when `apt-get update` sits in "
        "its own RUN before the install. Only those cases are reported, unlike hadolint's "
        "DL3059, which flags any two short RUNs."
    )
    bad = "FROM debian:12\nRUN mkdir -p /app/data\nRUN useradd --system app\n"
    good = "FROM debian:12\nRUN mkdir -p /app/data \\\n && useradd --system app\n"
    aliases = ("DL3059",)

    def check(self, stage: Stage, context: DockerfileContext) -> Iterator[Diagnostic]:
        previous: Instruction | None = None
        previous_cmds: list[Command] = []
        for instruction in stage.instructions:
            if instruction.keyword != "RUN":
                previous = None
                continue
            cmds = commands(context, instruction)
            if (
                previous is not None
                and mount_flags_key(previous) == mount_flags_key(instruction)
                and self._belong_together(previous_cmds, cmds)
            ):
                yield self.report(
                    context.path,
                    instruction.span,
                    f"This RUN and the one on line {previous.line} "
                    f"{self._why(previous_cmds)}; merge them into one RUN with `&&`.",
                )
            previous, previous_cmds = instruction, cmds

    @staticmethod
    def _belong_together(first: Sequence[Command], second: Sequence[Command]) -> bool:
        if not first or not second:
            return False
        if any(dependency_install(c.texts) for c in [*first, *second]):
            return False
        family = _only_list_update(first)
        if family is not None and _installs_with(second, family):
            return True
        return _cheap(first) and _cheap(second)

    @staticmethod
    def _why(first: Sequence[Command]) -> str:
        if _only_list_update(first) is not None:
            return (
                "split the package-list update from the install, so the install can run "
                "on stale cached lists"
            )
        return "only do quick housekeeping, each adding a layer"


RULES = (
    DeletedInLaterLayer,
    RecursiveChownAfterCopy,
    ArchiveCopiedThenExtracted,
    UseraddLargeUid,
    ConsecutiveRuns,
)
