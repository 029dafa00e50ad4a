"""What a rule's ``check`` receives beside its node: the parsed file plus what the engine knows.

The context is the one place a rule asks about an instruction's surroundings: the stage it
belongs to, the SHELL, USER and WORKDIR in force (through ``FROM <stage>`` chains), the shell
view of a RUN. Each answer is computed once per file, on first use, and kept in the context:
the syntax tree is frozen and shared, so per-file caches never live on it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from linter.dockerfile.ast import Instruction
from linter.records import field, record

if TYPE_CHECKING:  # only annotations: a Dockerfile run never imports the compose model
    from linter.compose.model import ComposeProject, Service
    from linter.compose.nodes import Node
    from linter.dockerfile.ast import Dockerfile, Stage
    from linter.dockerfile.dockerignore import DockerIgnore
    from linter.dockerfile.shell import Command, ShellScript

T = TypeVar("T")


@record(compiled=True)
class _Scope:
    """What is in force when an instruction runs (set by the instructions before it)."""

    stage: Stage
    shell: tuple[str, ...] | None  # the SHELL's JSON arguments; None: the default /bin/sh -c
    user: Instruction | None  # the USER instruction; None: the base image's user
    workdir: str  # normalised; "/" until a WORKDIR says otherwise


@record(compiled=True)
class _CommandSite:
    instruction: Instruction
    script: ShellScript


def _unquote(text: str) -> str:
    import shlex

    try:
        return " ".join(shlex.split(text))
    except ValueError:
        return text


def _scopes(dockerfile: Dockerfile) -> tuple[dict[int, _Scope], dict[int, _Scope]]:
    """The scope before each instruction (by ``id``; ONBUILD triggers share their ONBUILD's,
    a FROM gets the one its stage starts with) and at the end of each stage (by index).

    A stage built ``FROM`` an earlier one starts with that stage's final SHELL, USER and
    WORKDIR, as BuildKit builds it.
    """
    import posixpath

    before: dict[int, _Scope] = {}
    after: dict[int, _Scope] = {}
    for stage in dockerfile.stages:
        base = after.get(stage.base_stage) if stage.base_stage is not None else None
        shell = base.shell if base else None
        user = base.user if base else None
        workdir = base.workdir if base else "/"
        scope = _Scope(stage, shell, user, workdir)
        before[id(stage.from_instruction)] = scope
        for instruction in stage.instructions:
            before[id(instruction)] = scope
            if instruction.onbuild is not None:
                before[id(instruction.onbuild)] = scope
            keyword = instruction.keyword
            if keyword == "SHELL" and instruction.json_args:
                shell = tuple(instruction.json_args)
            elif keyword == "USER" and instruction.words:
                user = instruction
            elif keyword == "WORKDIR" and instruction.words:
                workdir = posixpath.normpath(
                    posixpath.join(workdir, _unquote(instruction.arguments))
                )
            else:
                continue
            scope = _Scope(stage, shell, user, workdir)
        after[stage.index] = scope
    return before, after


def _remember(memo: dict[str, Any], key: str, factory: Callable[[], T]) -> T:
    """``memo[key]``, made by ``factory()`` the first time (both contexts' ``cache``)."""
    if key in memo:
        value: T = memo[key]
    else:
        value = memo[key] = factory()
    return value


@record
class DockerfileContext:
    """A Dockerfile and what the engine knows around it, with the per-file answers rules share."""

    dockerfile: Dockerfile
    # The folder sent as the build context: the Dockerfile's folder, ``--context``, or
    # the ``build.context`` of the compose service that builds it. None for stdin.
    build_context: Path | None = None
    dockerignore: DockerIgnore | None = None
    dockerignore_path: Path | None = None
    # Settings rules may read: "trusted_registries", "label_schema", "strict_labels", ...
    options: Mapping[str, Any] = field(default_factory=dict)
    # Name of the compose service that builds this Dockerfile, when known.
    service: str | None = None
    # Per-file answers, filled on first use (see ``cache``); never compared or shown.
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def path(self) -> str:
        return self.dockerfile.path

    def cache(self, key: str, factory: Callable[[], T]) -> T:
        """``factory()``, computed once per file and kept under ``key`` (prefix it with your
        module's name): what several rules or several nodes of one file need."""
        return _remember(self.memo, key, factory)

    # ------------------------------------------------------------------ scope
    # Asked for every instruction by many rules: plain lookups, no helper calls on the way.

    def _before(self) -> dict[int, _Scope]:
        before, self.memo["linter.after"] = _scopes(self.dockerfile)
        self.memo["linter.before"] = before
        return before

    def stage_of(self, node: Instruction | Command) -> Stage | None:
        """The stage an instruction (FROM, ONBUILD trigger) or a RUN's command belongs to;
        None for the ARGs before the first FROM."""
        if not isinstance(node, Instruction):
            node = self._sites()[id(node)].instruction
        before: dict[int, _Scope] = self.memo.get("linter.before") or self._before()
        scope = before.get(id(node))
        return scope.stage if scope is not None else None

    def outer_of(self, instruction: Instruction) -> Instruction:
        """The instruction as written in the file: the ONBUILD that wraps a trigger, or the
        instruction itself (for spans and fixes that cover the whole line)."""
        wrappers = self.memo.get("linter.wrappers")
        if wrappers is None:
            wrappers = self.memo["linter.wrappers"] = {
                id(outer.onbuild): outer
                for outer in self.dockerfile.instructions
                if outer.onbuild is not None
            }
        outer: Instruction = wrappers.get(id(instruction), instruction)
        return outer

    def shell_for(self, instruction: Instruction) -> tuple[str, ...] | None:
        """The SHELL in force for ``instruction`` (set before it, in its stage or the stages
        it is built ``FROM``): the JSON arguments, or None for the default ``/bin/sh -c``."""
        before: dict[int, _Scope] = self.memo.get("linter.before") or self._before()
        scope = before.get(id(instruction))
        return scope.shell if scope is not None else None

    def user_at(self, instruction: Instruction) -> Instruction | None:
        """The USER instruction in force for ``instruction`` (set before it, in its stage or
        the stages it is built ``FROM``); None when the base image's user applies."""
        before: dict[int, _Scope] = self.memo.get("linter.before") or self._before()
        scope = before.get(id(instruction))
        return scope.user if scope is not None else None

    def final_user(self, stage: Stage) -> Instruction | None:
        """The USER instruction in force at the end of ``stage``: the image's user."""
        if "linter.after" not in self.memo:
            self._before()
        after: dict[int, _Scope] = self.memo["linter.after"]
        scope = after.get(stage.index)
        return scope.user if scope is not None else None

    def workdir_at(self, instruction: Instruction) -> str:
        """The working directory ``instruction`` runs in, normalised: ``/`` until a WORKDIR
        (relative ones joined to the one before, quotes removed) of its stage chain sets it."""
        before: dict[int, _Scope] = self.memo.get("linter.before") or self._before()
        scope = before.get(id(instruction))
        return scope.workdir if scope is not None else "/"

    # ------------------------------------------------------------------ shell view

    def shell(self, instruction: Instruction) -> list[ShellScript]:
        """The shell scripts of a RUN (shell form and heredoc bodies), parsed once each with
        the SHELL in force. Empty for non-POSIX shells (SHELL powershell/cmd), JSON-form RUN,
        and a RUN nested too deep for Python's stack (tens of thousands of chained commands).
        """
        parsed: dict[int, list[ShellScript]] | None = self.memo.get("linter.shell")
        if parsed is None:
            parsed = self.memo["linter.shell"] = {}
        key = id(instruction)
        found = parsed.get(key)
        if found is None:
            from linter.dockerfile.shell import parse_instruction

            try:
                found = parse_instruction(instruction, self.shell_for(instruction))
            except RecursionError:
                found = []
            parsed[key] = found
        return found

    def _sites(self) -> dict[int, _CommandSite]:
        sites: dict[int, _CommandSite] | None = self.memo.get("linter.sites")
        if sites is None:
            sites = {}
            commands: list[Command] = []
            for stage in self.dockerfile.stages:
                for instruction in stage.instructions:
                    run = instruction if instruction.keyword == "RUN" else instruction.onbuild
                    if run is None or run.keyword != "RUN":
                        continue
                    for script in self.shell(run):
                        for command in script.commands:
                            if command.argv:
                                sites[id(command)] = _CommandSite(run, script)
                                commands.append(command)
            self.memo["linter.sites"] = sites
            self.memo["linter.commands"] = commands
        return sites

    def commands(self) -> list[Command]:
        """Every simple command with words of every RUN (ONBUILD RUN included), stage by
        stage in file order: the nodes of ``Target.RUN_COMMAND``."""
        self._sites()
        commands: list[Command] = self.memo["linter.commands"]
        return commands

    def instruction_of(self, command: Command) -> Instruction:
        """The RUN (or ONBUILD's RUN) a command of ``commands()`` belongs to."""
        return self._sites()[id(command)].instruction

    def script_of(self, command: Command) -> ShellScript:
        """The shell script (the RUN's shell form, or one heredoc body) holding a command."""
        return self._sites()[id(command)].script


@record
class BuildLink:
    """A compose service with ``build:`` and the Dockerfile it points at."""

    service: Service
    context_dir: Path  # absolute, resolved against the compose file's folder
    dockerfile_path: Path  # absolute
    dockerfile: Dockerfile | None  # None when it is missing, remote or unparseable
    context_node: Node | None  # where the context is written (for spans)
    dockerfile_node: Node | None  # where ``dockerfile:`` is written, if it is
    remote: bool = False  # a git URL or other remote context: nothing to check locally

    @property
    def build_node(self) -> Node | None:
        return self.service.get("build")


@record
class ComposeContext:
    """A compose project (its files merged) and the Dockerfiles its services build."""

    project: ComposeProject
    builds: tuple[BuildLink, ...] = ()
    options: Mapping[str, Any] = field(default_factory=dict)
    # Per-project answers, filled on first use (see ``cache``); never compared or shown.
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def path(self) -> str:
        return self.project.path

    def build_for(self, service: str) -> BuildLink | None:
        """The build link of the service named ``service`` (None: it has no local build)."""
        links: dict[str, BuildLink] | None = self.memo.get("linter.builds")
        if links is None:
            links = self.memo["linter.builds"] = {link.service.name: link for link in self.builds}
        return links.get(service)

    def cache(self, key: str, factory: Callable[[], T]) -> T:
        """``factory()``, computed once per project and kept under ``key`` (prefix it with
        your module's name): what several rules or several services need."""
        return _remember(self.memo, key, factory)
