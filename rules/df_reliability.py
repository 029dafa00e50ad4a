"""Reliability checks that follow from Docker's model of a container and of VOLUME.

A container lives as long as its main process: a CMD or ENTRYPOINT that starts a daemon and
returns makes the container exit at once. A path declared as a VOLUME is a mount point: build
steps that change it afterwards behave differently between builders.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Sequence

from linter import Diagnostic, DockerfileContext, Severity, Span
from linter.dockerfile.ast import Dockerfile, Instruction, Stage
from linter.dockerfile.shell import Command, ShellWord, basename
from linter.targets import DockerfileRule, StageRule

from ._dockerfile_words import stage_chain, strip_quotes
from ._runs import absolute, run_instructions, shipped_stages

# ---------------------------------------------------------------------------------------------
# DF580 CMD/ENTRYPOINT that daemonizes

# Wrappers an ENTRYPOINT commonly puts in front of the real command (they exec it).
_INIT_WRAPPERS = frozenset(
    {
        "tini",
        "tini-static",
        "dumb-init",
        "gosu",
        "su-exec",
        "catatonit",
        "s6-svscan",
        "exec",
        "chpst",
    }
)
_START = frozenset({"start", "restart", "reload", "force-reload", "graceful"})


def _daemon(argv: Sequence[ShellWord], nginx_foreground: bool) -> str | None:
    """Why running ``argv`` returns at once while a daemon keeps running, if it does."""
    if not argv:
        return None
    program = basename(argv[0].text)
    args = [word.text for word in argv[1:]]
    if program == "service" and len(args) >= 2 and args[1] in _START:
        return f"`service {args[0]} {args[1]}` starts the service in the background and returns"
    if program == "systemctl" and args and args[0] in _START:
        return "systemctl needs systemd as PID 1 and returns at once"
    if argv[0].text.startswith("/etc/init.d/") and args and args[0] in _START:
        return f"`{argv[0].text} {args[0]}` starts a daemon and returns"
    if program in ("apachectl", "apache2ctl", "httpd", "apache2") and (
        any(arg in _START for arg in args)
    ):
        return f"`{program} start` puts Apache in the background; use `{program} -D FOREGROUND`"
    if (
        program == "nginx"
        and not nginx_foreground
        and not any("daemon off" in arg for arg in args)
        and not ({"-s", "-t", "-T", "-v", "-V"} & set(args))
    ):
        return "nginx daemonizes unless told `-g 'daemon off;'`"
    if program.startswith("php-fpm") and ("-D" in args or "--daemonize" in args):
        return f"`{program} -D` daemonizes; run it with `-F` (foreground)"
    if program == "redis-server" and _option_yes(args, "--daemonize"):
        return "redis-server --daemonize yes returns at once"
    if program == "memcached" and ("-d" in args or "--daemon" in args):
        return "memcached -d daemonizes"
    if program == "sshd" and not any(arg.startswith("-") and "D" in arg for arg in args):
        return "sshd daemonizes unless run with -D"
    if program in ("cron", "crond") and not any(arg.startswith("-") and "f" in arg for arg in args):
        return f"{program} daemonizes unless run with -f"
    if program == "pg_ctl" and "start" in args:
        return "pg_ctl start starts PostgreSQL in the background and returns"
    return None


def _option_yes(args: Sequence[str], name: str) -> bool:
    for index, arg in enumerate(args):
        if arg == name and index + 1 < len(args) and args[index + 1].lower() == "yes":
            return True
        if arg == f"{name}=yes":
            return True
    return False


def _strip_wrappers(argv: Sequence[ShellWord]) -> Sequence[ShellWord]:
    """``tini -- nginx`` -> ``nginx``; ``gosu app nginx`` -> ``nginx``."""
    index = 0
    while index < len(argv) and basename(argv[index].text) in _INIT_WRAPPERS:
        wrapper = basename(argv[index].text)
        index += 1
        while index < len(argv) and argv[index].text.startswith("-"):
            index += 1
        if index < len(argv) and argv[index].text == "--":
            index += 1
        if wrapper in ("gosu", "su-exec", "chpst") and index < len(argv):
            index += 1  # the user
    return argv[index:]


def _last_command(commands: Sequence[Command]) -> Command | None:
    """The command whose end ends the shell: the last top-level one."""
    top = [
        c
        for c in commands
        if not (c.in_substitution or c.in_function or c.in_condition or c.in_loop or c.in_subshell)
    ]
    return top[-1] if top else None


def _latest(dockerfile: Dockerfile, stage: Stage, keyword: str) -> Instruction | None:
    for ancestor in stage_chain(dockerfile, stage):
        for instruction in reversed(ancestor.instructions):
            if instruction.keyword == keyword:
                return instruction
    return None


def _is_script(word: str) -> bool:
    name = basename(word)
    return name.endswith(".sh") or "entrypoint" in name


class DaemonizingCommand(DockerfileRule):
    code = "DF580"
    name = "main-process-daemonizes"
    tags = ("reliability",)
    severity = Severity.ERROR
    summary = "CMD or ENTRYPOINT starts a daemon and returns, so the container exits at once"
    description = (
        "A container runs as long as its main process. `service nginx start`, `systemctl "
        "start`, `/etc/init.d/x start`, `apachectl start`, `nginx` without `daemon off`, "
        "`php-fpm -D`, `redis-server --daemonize yes`, `sshd`/`cron` without their foreground "
        "flag, or a trailing `&` in shell form all return right after forking: the container "
        "stops, or restarts in a loop. Run the program in the foreground. Only the last "
        "command of the CMD/ENTRYPOINT counts (`service x start && tail -f log` keeps running); "
        "an ENTRYPOINT script is assumed to exec its arguments, so the CMD is checked. An "
        "exec-form CMD is read as the arguments of an exec-form ENTRYPOINT, as Docker runs "
        'them (`ENTRYPOINT ["crond"]` with `CMD ["-f"]` stays in the foreground).'
    )
    bad = (
        "FROM ubuntu:24.04\nRUN apt-get update && apt-get install -y nginx\n"
        "CMD service nginx start\n"
    )
    good = 'FROM nginx:1.27\nCMD ["nginx", "-g", "daemon off;"]\n'

    def check(self, context: DockerfileContext) -> Iterator[Diagnostic]:
        dockerfile = context.dockerfile
        seen: set[int] = set()
        for index in sorted(shipped_stages(dockerfile)):
            stage = dockerfile.stages[index]
            entrypoint = _latest(dockerfile, stage, "ENTRYPOINT")
            cmd = _latest(dockerfile, stage, "CMD")
            foreground = self._nginx_foreground(context, dockerfile, stage)
            checked = self._checked(entrypoint, cmd)
            # CMD checked on its own (behind a wrapper or script), or appended to the program
            appended = () if cmd in checked else self._appended(context, entrypoint, cmd)
            for instruction in checked:
                if id(instruction) in seen:
                    continue
                seen.add(id(instruction))
                found = self._problem(
                    context, instruction, foreground, appended if instruction is entrypoint else ()
                )
                if found is not None:
                    span, why = found
                    yield self.report(
                        context.path,
                        span,
                        f"{why}: the container exits as soon as it starts. Run "
                        "the program in the foreground.",
                    )

    @staticmethod
    def _checked(entrypoint: Instruction | None, cmd: Instruction | None) -> list[Instruction]:
        if entrypoint is None:
            return [cmd] if cmd is not None else []
        if not entrypoint.is_json_form:
            return [entrypoint]  # a shell-form ENTRYPOINT ignores CMD
        argv = entrypoint.json_args or ()
        rest = [
            word
            for word in argv
            if basename(word) not in _INIT_WRAPPERS and not word.startswith("-")
        ]
        if cmd is not None and (not rest or _is_script(rest[0])):
            return [entrypoint, cmd]
        return [entrypoint]

    @staticmethod
    def _appended(
        context: DockerfileContext, entrypoint: Instruction | None, cmd: Instruction | None
    ) -> Sequence[ShellWord]:
        """The CMD words Docker appends to an exec-form ENTRYPOINT (``ENTRYPOINT ["crond"]``
        with ``CMD ["-f"]`` runs ``crond -f``)."""
        if entrypoint is None or cmd is None or not entrypoint.is_json_form or not cmd.is_json_form:
            return ()
        for script in context.shell(cmd):
            if script.commands:
                return script.commands[0].argv
        return ()

    def _problem(
        self,
        context: DockerfileContext,
        instruction: Instruction,
        nginx_foreground: bool,
        appended: Sequence[ShellWord] = (),
    ) -> tuple[Span, str] | None:
        for script in context.shell(instruction):
            last = _last_command(script.commands)
            if last is None:
                continue
            if last.background and script.origin != "exec":
                return last.span, f"`{last.raw.strip()} &` runs in the background"
            argv = [*_strip_wrappers(last.argv[last.start :]), *appended]
            why = _daemon(argv, nginx_foreground)
            if why is not None:
                return argv[0].span, why
        return None

    @staticmethod
    def _nginx_foreground(context: DockerfileContext, dockerfile: Dockerfile, stage: Stage) -> bool:
        """The image may configure ``daemon off;`` itself (a RUN edit or its own nginx.conf)."""
        for ancestor in stage_chain(dockerfile, stage):
            for instruction in ancestor.instructions:
                if (
                    instruction.keyword in ("COPY", "ADD")
                    and instruction.words
                    and "nginx" in instruction.words[-1].text
                ):
                    return True
                if instruction.keyword == "RUN" and "daemon off" in instruction.arguments:
                    return True
        return False


# ---------------------------------------------------------------------------------------------
# DF581 RUN writes into a declared VOLUME

_VALUE_OPTIONS = {
    "cp": ("-t", "--target-directory", "-S", "--suffix"),
    "mv": ("-t", "--target-directory", "-S", "--suffix"),
    "install": ("-t", "--target-directory", "-m", "--mode", "-o", "--owner", "-g", "--group"),
    "ln": ("-t", "--target-directory", "-S", "--suffix"),
    "mkdir": ("-m", "--mode"),
}


def _volume_paths(instruction: Instruction) -> list[str]:
    if instruction.json_args is not None:
        values = list(instruction.json_args)
    else:
        values = [strip_quotes(word.text) for word in instruction.words]
    return [posixpath.normpath(v) for v in values if v.startswith("/")]


def _written(command: Command) -> list[tuple[str, Span]]:
    """Paths a command writes (or deletes), with the span of the word naming them."""
    start = command.start
    if start >= len(command.argv):
        return []
    program = basename(command.argv[start].text)
    found: list[tuple[str, Span]] = [(target, command.span) for target in command.redirects]
    positional = command.positionals(value_options=_VALUE_OPTIONS.get(program))
    if program in ("mkdir", "touch", "rm", "tee", "chown", "chmod", "chgrp", "truncate"):
        words = positional
        if program in ("chown", "chmod", "chgrp") and words:
            words = words[1:]
        found.extend((word.text, word.span) for word in words)
    elif program in ("cp", "mv", "install", "ln") and len(positional) >= 2:
        found.append((positional[-1].text, positional[-1].span))
    elif program == "sed" and command.has_option("-i", "--in-place"):
        found.extend((word.text, word.span) for word in positional[1:])
    elif program in ("curl", "wget", "tar", "unzip", "git"):
        for option in command.options():
            if (
                option.name
                in ("-o", "--output", "-O", "--output-document", "-P", "-C", "--directory", "-d")
                and option.value
            ):
                if program == "curl" and option.name == "-O":
                    continue
                found.append((option.value, command.word_span(option.index)))
        if program == "git" and command.subcommand() == "clone" and len(positional) >= 3:
            found.append((positional[-1].text, positional[-1].span))
    return found


def _inside(path: str, volume: str) -> bool:
    return path == volume or path.startswith(volume.rstrip("/") + "/")


class WriteToVolume(StageRule):
    code = "DF581"
    name = "run-writes-declared-volume"
    tags = ("reliability",)
    severity = Severity.WARNING
    summary = "A RUN changes a path after it was declared a VOLUME"
    description = (
        "Docker's documentation: if a build step changes the data within a volume after it "
        "has been declared, the change is discarded with the legacy builder (and older "
        "Buildah/Podman), while BuildKit keeps it. So the image depends on the builder. And "
        "at run time the volume only copies the image's content when it is first created. "
        "Prepare the directory (mkdir, chown, files) before the VOLUME instruction. COPY and "
        "ADD into a volume are applied by every builder and are not reported."
    )
    bad = "FROM debian:12\nVOLUME /data\nRUN mkdir -p /data/db && chown 999:999 /data/db\n"
    good = "FROM debian:12\nRUN mkdir -p /data/db && chown 999:999 /data/db\nVOLUME /data\n"

    def check(self, stage: Stage, context: DockerfileContext) -> Iterator[Diagnostic]:
        volumes: list[tuple[str, int]] = []
        for ancestor in reversed(stage_chain(context.dockerfile, stage)[1:]):
            for instruction in ancestor.instructions:
                if instruction.keyword == "VOLUME":
                    volumes.extend((p, instruction.line) for p in _volume_paths(instruction))
        runs = {id(run) for run in run_instructions(stage)}
        for instruction in stage.instructions:
            inner = instruction.onbuild or instruction
            if inner.keyword == "VOLUME" and instruction.onbuild is None:
                volumes.extend((p, inner.line) for p in _volume_paths(inner))
                continue
            if volumes and id(inner) in runs:
                yield from self._run(context, inner, volumes, context.workdir_at(instruction))

    def _run(
        self,
        context: DockerfileContext,
        instruction: Instruction,
        volumes: Sequence[tuple[str, int]],
        workdir: str,
    ) -> Iterator[Diagnostic]:
        for mount in instruction.flags:
            if mount.name == "mount":
                return  # mounts make the effect of the step on paths hard to tell
        for script in context.shell(instruction):
            for command in script.commands:
                for path, span in _written(command):
                    if not path or "$" in path:
                        continue
                    target = absolute(path, workdir)
                    hit = next(((v, line) for v, line in volumes if _inside(target, v)), None)
                    if hit is None or target in ("/dev/null", "/dev/stdout", "/dev/stderr"):
                        continue
                    yield self.report(
                        context.path,
                        span,
                        f"{target} is inside {hit[0]}, declared a VOLUME on line {hit[1]}: the "
                        "legacy builder discards this change, BuildKit keeps it. Do it before "
                        "the VOLUME instruction.",
                    )
                    return


RULES = (DaemonizingCommand, WriteToVolume)
