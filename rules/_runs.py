"""Helpers the RUN rules share: a RUN's commands, its mounts, the stage it runs in.

The rules reason on the shell view's ``Command`` (program past wrappers, options, a span per
word); this module lists those commands per RUN (once per file), and answers stage questions
(which stages reach an image, what ENV, WORKDIR and SHELL say) that several rules ask.
"""

from __future__ import annotations

import posixpath
import shlex
from collections.abc import Iterable, Iterator

from linter import DockerfileContext, Position, Span
from linter.dockerfile.ast import Dockerfile, Instruction, Stage
from linter.dockerfile.shell import Command
from linter.records import record

from ._dockerfile_words import stage_chain
from ._packages import CacheInfo, cache_dir_matches


def stage_commands(context: DockerfileContext, stages: Iterable[Stage]) -> Iterator[Command]:
    """The commands with words of the RUNs (ONBUILD RUN included) of ``stages``, in the
    order of ``stages``; ``context.commands()`` has those of every stage."""
    for stage in stages:
        for instruction in run_instructions(stage):
            for script in context.shell(instruction):
                for command in script.commands:
                    if command.argv:
                        yield command


def commands(context: DockerfileContext, instruction: Instruction) -> list[Command]:
    """Every simple command with words of a RUN (shell form and heredoc bodies), in order.

    Computed once per instruction and file: a dozen rules ask for the same RUN.
    """
    cache: dict[int, list[Command]] = context.cache("rules._runs.commands", dict)
    key = id(instruction)
    cached = cache.get(key)
    if cached is None:
        cached = cache[key] = [
            command
            for script in context.shell(instruction)
            for command in script.commands
            if command.argv
        ]
    return list(cached)


def piped_from(context: DockerfileContext, command: Command) -> Command | None:
    """The command feeding ``command`` (of ``context.commands()``) through a pipe
    (``yes | apt-get ...``): the command with words before it in its script."""
    if command.pipeline is None or command.pipeline[0] == 0:
        return None
    previous = None
    for other in context.script_of(command).commands:
        if other is command:
            return previous
        if other.argv:
            previous = other
    return None


def run_instructions(stage: Stage) -> Iterator[Instruction]:
    """The RUNs of a stage, including those wrapped in ONBUILD."""
    for instruction in stage.instructions:
        if instruction.keyword == "RUN":
            yield instruction
        elif instruction.onbuild is not None and instruction.onbuild.keyword == "RUN":
            yield instruction.onbuild


# ---------------------------------------------------------------------------------------------
# RUN --mount


@record
class Mount:
    type: str
    target: str | None
    source_stage: str | None  # ``from=``


def mounts(instruction: Instruction) -> list[Mount]:
    found = []
    for flag in instruction.flags:
        if flag.name != "mount" or not flag.value:
            continue
        fields: dict[str, str] = {}
        for part in flag.value.split(","):
            key, _, value = part.partition("=")
            fields[key.strip().lower()] = value.strip().strip("\"'")
        target = fields.get("target") or fields.get("dst") or fields.get("destination")
        found.append(Mount(fields.get("type", "bind"), target, fields.get("from")))
    return found


def mount_flags_key(instruction: Instruction) -> tuple[tuple[str, str | None], ...]:
    return tuple(sorted((flag.name, flag.value) for flag in instruction.flags))


def cache_mounted(instruction: Instruction, cache: CacheInfo) -> bool:
    """A ``--mount=type=cache`` or ``type=tmpfs`` over one of the cache's dirs keeps it out."""
    for mount in mounts(instruction):
        if (
            mount.type in {"cache", "tmpfs"}
            and mount.target
            and any(cache_dir_matches(directory, mount.target) for directory in cache.dirs)
        ):
            return True
    return False


# ---------------------------------------------------------------------------------------------
# stages


def stage_references(dockerfile: Dockerfile) -> tuple[dict[int, set[int]], set[int]]:
    """(children of each stage via FROM, stages used by COPY --from / RUN --mount from=)."""
    children: dict[int, set[int]] = {stage.index: set() for stage in dockerfile.stages}
    copied: set[int] = set()
    for stage in dockerfile.stages:
        if stage.base_stage is not None:
            children.setdefault(stage.base_stage, set()).add(stage.index)
        for instruction in stage.instructions:
            sources = []
            copy_from = instruction.flag("from")
            if instruction.keyword in {"COPY", "ADD"} and copy_from and copy_from.value:
                sources.append(copy_from.value)
            if instruction.keyword == "RUN":
                sources.extend(m.source_stage for m in mounts(instruction) if m.source_stage)
            for source in sources:
                index = resolve_stage(dockerfile, source, stage.index)
                if index is not None:
                    copied.add(index)
    return children, copied


def resolve_stage(dockerfile: Dockerfile, reference: str, before: int) -> int | None:
    """The index of the earlier stage a ``--from`` value names, if it names one."""
    if reference.isdigit():
        index = int(reference)
        return index if index < before else None
    stage = dockerfile.stage_by_name(reference)
    if stage is not None and stage.index < before:
        return stage.index
    return None


def shipped_stages(dockerfile: Dockerfile) -> set[int]:
    """Stages whose layers end up in an image somebody runs.

    The last stage ships. A stage nobody references may be built with ``--target`` and ships
    too. A stage used only through ``COPY --from`` (a builder) does not: only the files
    copied out of it reach the image, not its caches. A stage ships when a shipped stage is
    built ``FROM`` it.
    """
    if not dockerfile.stages:
        return set()
    children, copied = stage_references(dockerfile)
    last = dockerfile.stages[-1].index
    shipped: set[int] = set()
    for stage in reversed(dockerfile.stages):
        index = stage.index
        used = bool(children.get(index)) or index in copied
        if index == last or children.get(index, set()) & shipped or not used:
            shipped.add(index)
    return shipped


def ships(context: DockerfileContext, stage: Stage) -> bool:
    """Whether ``stage``'s layers reach an image (``shipped_stages``, once per file)."""
    shipped = context.cache("rules._runs.shipped", lambda: shipped_stages(context.dockerfile))
    return stage.index in shipped


def env_pairs(instruction: Instruction) -> list[tuple[str, str]]:
    """The key/value pairs of an ENV (``ENV A=1 B=2`` and the legacy ``ENV A 1``)."""
    words = [word.text for word in instruction.words]
    if not words:
        return []
    if "=" not in words[0]:
        return [(words[0], _unquote(" ".join(words[1:])))]
    pairs = []
    for word in words:
        key, _, value = word.partition("=")
        pairs.append((key, _unquote(value)))
    return pairs


def stage_env(
    dockerfile: Dockerfile, stage: Stage, until: Instruction | None = None
) -> dict[str, str]:
    """ENV values in effect in a stage (inherited through ``FROM <stage>``) before ``until``."""
    env: dict[str, str] = {}
    for ancestor in reversed(stage_chain(dockerfile, stage)):
        for instruction in ancestor.instructions:
            if until is not None and instruction is until:
                return env
            if instruction.keyword == "ENV":
                env.update(env_pairs(instruction))
    return env


def _unquote(text: str) -> str:
    try:
        parts = shlex.split(text)
    except ValueError:
        return text
    return " ".join(parts)


def absolute(path: str, workdir: str) -> str:
    return posixpath.normpath(posixpath.join(workdir, path))


def point(position: Position) -> Span:
    return Span(position, position)


# Instructions that may stand between a ``go get`` and the WORKDIR into what it fetched.
_SETTING_ONLY = frozenset({"ENV", "ARG", "LABEL", "SHELL", "USER"})


def _go_source_import_path(workdir: str) -> str | None:
    """``github.com/org/repo`` of a WORKDIR ``/go/src/github.com/org/repo`` (or
    ``$GOPATH/src/...``), None when the folder is not inside a GOPATH ``src`` tree."""
    path = workdir.strip().strip("\"'").rstrip("/")
    index = path.find("/src/")
    if index < 0:
        return None
    tail = path[index + len("/src/") :]
    return tail if "." in tail.split("/", 1)[0] else None


def in_go_source_after(
    stage: Stage, instruction: Instruction, packages: list[str]
) -> list[Instruction] | None:
    """The instructions that run inside the source a ``go get`` in ``instruction`` fetched.

    GOPATH-era Dockerfiles write ``RUN go get X || true``, then (after ENV/ARG lines) a
    ``WORKDIR /go/src/X`` (or a parent of X's import path) and ``RUN git checkout "$V"``:
    the later instructions check and pin the fetch. Returns the instructions after that
    WORKDIR up to the next WORKDIR of the stage (possibly empty), or None when the next
    real instruction is no WORKDIR into the fetched source.
    """
    following = [i for i in stage.instructions if i.span.start.line > instruction.span.end.line]
    index = 0
    while index < len(following) and following[index].keyword in _SETTING_ONLY:
        index += 1
    if index >= len(following) or following[index].keyword != "WORKDIR":
        return None
    prefix = _go_source_import_path(following[index].arguments)
    if prefix is None or not any(p == prefix or p.startswith(prefix + "/") for p in packages):
        return None
    inside: list[Instruction] = []
    for later in following[index + 1 :]:
        if later.keyword == "WORKDIR":
            break
        inside.append(later)
    return inside
