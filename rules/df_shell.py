"""Shell analysis of RUN: commands that do nothing useful in a build, or hide failures.

The rules read the shell view of each RUN (``context.shell``), never the raw text.
"""

from __future__ import annotations

import itertools
import posixpath
from collections.abc import Iterable, Iterator, Sequence

from linter import (
    Diagnostic,
    DockerfileContext,
    InstructionRule,
    RunCommandRule,
    Severity,
    Span,
    StageRule,
)
from linter.dockerfile.ast import Instruction, Stage
from linter.dockerfile.shell import Command, ShellScript, ShellWord, basename

from ._dockerfile_words import stage_chain
from ._packages import parse_invocation
from ._runs import (
    absolute,
    in_go_source_after,
    stage_commands,
    stage_env,
)

# ---------------------------------------------------------------------------------------------
# DF600 pointless commands (DL3001)

_POINTLESS = frozenset({"free", "kill", "mount", "ps", "service", "shutdown", "ssh", "top", "vim"})


class PointlessCommand(RunCommandRule):
    code = "DF600"
    name = "pointless-command-in-run"
    tags = ("shell", "best-practice")
    severity = Severity.INFO
    summary = "RUN uses a command that makes no sense in an image build"
    description = (
        "A build step runs without a terminal, an init system or running services, and its "
        "processes end with the step. Commands such as `ssh`, `vim`, `shutdown`, `service`, "
        "`ps`, `free`, `top`, `kill` and `mount` either hang, fail, or change nothing that is "
        "kept in the layer. Same command list as hadolint's DL3001."
    )
    bad = "FROM debian:12\nRUN service nginx start\n"
    good = 'FROM nginx:1.27\nCMD ["nginx", "-g", "daemon off;"]\n'
    aliases = ("DL3001",)

    def check(self, command: Command, context: DockerfileContext) -> Iterator[Diagnostic]:
        program = command.program
        if program in _POINTLESS:
            yield self.report(
                context.path,
                command.word_span(command.start),
                f"`{program}` does nothing useful in a build step: no terminal, no running "
                "services, and processes end with the step.",
            )


# ---------------------------------------------------------------------------------------------
# DF602 cd (DL3003)


def _removed_later(commands: Sequence[Command], start: int, directory: str) -> bool:
    """Whether a later ``rm -r`` removes ``directory`` (a temporary build folder)."""
    for later in commands[start + 1 :]:
        if later.program != "rm":
            continue
        for word in later.positionals():
            target = word.text.rstrip("/")
            if target and (directory == target or directory.startswith(target + "/")):
                return True
    return False


_BACK = frozenset({"..", "../", "-", "/", "~", "$HOME", "$OLDPWD", "${OLDPWD}", '"$OLDPWD"'})


def _returns_later(commands: Sequence[Command], start: int) -> bool:
    """Whether a later ``cd ..``/``cd -``/``cd /`` of the same script goes back out."""
    for later in commands[start + 1 :]:
        if later.program != "cd" or later.in_subshell or later.in_substitution:
            continue
        targets = later.positionals()
        if (
            not targets
            or targets[0].text.rstrip("/") in _BACK
            or targets[0].text.startswith("../")
            or targets[0].text in _BACK
        ):
            return True
    return False


class CdInRun(InstructionRule):
    code = "DF602"
    name = "cd-in-run"
    tags = ("shell", "best-practice")
    severity = Severity.INFO
    summary = "RUN changes directory with cd instead of WORKDIR"
    description = (
        "A `cd` in RUN only lasts for that step, so the next instructions run elsewhere than a "
        "reader expects; `WORKDIR` sets the directory for every later instruction and documents "
        "it. Unlike hadolint's DL3003, a `cd` into a temporary build folder that the same RUN "
        "deletes, a `cd` inside `( ... )` or `$( ... )`, `cd /` / `cd -` back out, and a `cd` "
        "that a later `cd ..`, `cd -` or `cd /` of the same RUN undoes are accepted: those "
        "are the idioms official images use on purpose. Info, not warning: read on 20 "
        "corpus findings, most were build scripts (`cd /usr/src/php; ./configure; make`) "
        "where a reviewer would call WORKDIR a matter of taste, since the directory change "
        "is meant to end with the step."
    )
    bad = "FROM node:20-slim\nRUN cd /app && npm ci\n"
    good = "FROM node:20-slim\nWORKDIR /app\nRUN npm ci\n"
    keywords = frozenset({"RUN"})
    onbuild = True
    aliases = ("DL3003", "DS-0013")

    def check(self, instruction: Instruction, context: DockerfileContext) -> Iterator[Diagnostic]:
        for script in context.shell(instruction):
            yield from self._script(context, script)

    def _script(self, context: DockerfileContext, script: ShellScript) -> Iterator[Diagnostic]:
        commands = script.commands
        for position, command in enumerate(commands):
            if (
                command.program != "cd"
                or command.in_subshell
                or command.in_substitution
                or command.in_function
            ):
                continue
            targets = command.positionals()
            target = targets[0].text if targets else "~"
            if (
                target.rstrip("/") in _BACK
                or target in ("/", "-", "~", "$HOME")
                or (targets and not targets[0].literal and target.startswith("$OLDPWD"))
            ):
                continue
            if _removed_later(commands, position, posixpath.normpath(target).rstrip("/")):
                continue
            if _returns_later(commands, position):
                continue
            yield self.report(
                context.path,
                command.span,
                f"`cd {target}` only lasts for this RUN; use WORKDIR {target} "
                "to change the directory of the following instructions.",
            )


# ---------------------------------------------------------------------------------------------
# DF603 wget progress (DL3047)


_REMOVE_ACTIONS = frozenset({"del", "remove", "purge", "autoremove"})


def _removes_wget(commands: Sequence[Command]) -> bool:
    """Whether the script uninstalls wget (``apk del wget``, ``apt-get purge -y wget``)."""
    for command in commands:
        if command.program not in ("apk", "apt-get", "apt", "dnf", "yum", "microdnf"):
            continue
        texts = command.arg_texts
        if any(text in _REMOVE_ACTIONS for text in texts) and "wget" in texts:
            return True
    return False


def _busybox_wget(context: DockerfileContext, stage: Stage) -> bool:
    """An Alpine/BusyBox stage whose ``wget`` is BusyBox's (GNU wget never installed)."""
    image = stage.image
    if image is None or not any(
        "alpine" in part or "busybox" in part
        for part in (image.repository.lower(), (image.tag or "").lower())
    ):
        return False
    for command in stage_commands(context, (stage,)):
        if command.program == "apk" and "add" in command.arg_texts and "wget" in command.arg_texts:
            return False
    return True


class WgetProgress(RunCommandRule):
    code = "DF603"
    name = "wget-without-progress-control"
    tags = ("shell", "best-practice")
    severity = Severity.INFO
    summary = "wget prints a progress bar into the build log"
    description = (
        "Without a terminal, wget's progress indicator becomes thousands of lines of dots in "
        "the build log. Use `-q`, `-nv`, or `--progress=dot:giga`, or send the log to a file "
        "with `-o`. Same acceptance as hadolint's DL3047, and more: a RUN that removes wget "
        "again (`apk del wget`, `apt-get purge wget`) and BusyBox's wget (an Alpine or "
        "BusyBox base where the stage never installs GNU wget) are not reported, since "
        "BusyBox draws one progress line, not thousands."
    )
    bad = "FROM debian:12\nRUN wget https://example.com/tool.tar.gz\n"
    good = "FROM debian:12\nRUN wget -q https://example.com/tool.tar.gz\n"
    aliases = ("DL3047",)

    def check(self, command: Command, context: DockerfileContext) -> Iterator[Diagnostic]:
        if command.program != "wget" or command.has_option(
            "--progress",
            "-q",
            "--quiet",
            "-nv",
            "--no-verbose",
            "-o",
            "--output-file",
            "-a",
            "--append-output",
        ):
            return
        if _removes_wget(context.script_of(command).commands):
            return  # a throw-away download tool: its log is not worth a finding
        stage = context.stage_of(command)
        if stage is None:
            return
        busybox = context.cache("rules.df_shell.busybox_wget", dict[int, bool])
        if stage.index not in busybox:
            busybox[stage.index] = _busybox_wget(context, stage)
        if busybox[stage.index]:
            return
        yield self.report(
            context.path,
            command.word_span(0),
            "wget without -q, -nv or --progress fills the build log with its progress bar.",
        )


# ---------------------------------------------------------------------------------------------
# DF604 curl and wget (DL4001)


_FETCH_TOOLS = frozenset({"curl", "wget"})
_INSTALL_ACTIONS = frozenset({"install", "add"})


def _installed_fetch_tools(context: DockerfileContext, stage: Stage) -> set[str]:
    """Which of curl and wget the stage (or a local stage it builds on) installs itself."""
    installed: set[str] = set()
    for command in stage_commands(context, stage_chain(context.dockerfile, stage)):
        invocation = parse_invocation(command.texts)
        if invocation is None or invocation.action not in _INSTALL_ACTIONS:
            continue
        for operand in invocation.operands:
            name = operand.text.strip("\"'")
            for mark in "=<>~@":
                name = name.split(mark, 1)[0]
            if name in _FETCH_TOOLS:
                installed.add(name)
    return installed


class CurlAndWget(StageRule):
    code = "DF604"
    name = "curl-and-wget"
    tags = ("shell", "layer-bloat")
    severity = Severity.WARNING
    summary = "A stage uses both curl and wget"
    description = (
        "Both tools do the same job; installing or keeping both costs space and a second set of "
        "TLS and proxy settings to maintain. Pick one. Reported, like hadolint's DL4001, at "
        "the first use of the second tool in a stage (RUNs inside ONBUILD included), but "
        "only when the Dockerfile installs that second tool itself: when it comes with the "
        "base image (BusyBox's wget on Alpine, buildpack-deps, dev container bases) there is "
        "nothing to save. A deliberate difference from DL4001."
    )
    bad = (
        "FROM debian:12\nRUN apt-get update && apt-get install -y curl wget\n"
        "RUN curl -fsSLo /tmp/a https://example.com/a\n"
        "RUN wget -q -O /tmp/b https://example.com/b\n"
    )
    good = (
        "FROM debian:12\nRUN curl -fsSLo /tmp/a https://example.com/a \\\n"
        " && curl -fsSLo /tmp/b https://example.com/b\n"
    )
    aliases = ("DL4001", "DS-0014")

    def check(self, stage: Stage, context: DockerfileContext) -> Iterator[Diagnostic]:
        first: dict[str, Command] = {}
        installed: set[str] | None = None
        for command in stage_commands(context, (stage,)):
            program = command.program
            if program not in ("curl", "wget") or program in first:
                continue
            first[program] = command
            if len(first) == 2:
                if installed is None:
                    installed = _installed_fetch_tools(context, stage)
                if program not in installed:
                    break  # the second tool came with the base (BusyBox wget on Alpine)
                other = "wget" if program == "curl" else "curl"
                line = first[other].span.start.line
                yield self.report(
                    context.path,
                    command.word_span(command.start),
                    f"This stage already uses {other} (line {line}); use one "
                    "of curl and wget, not both.",
                )
                break


# ---------------------------------------------------------------------------------------------
# DF605 ln -s to /bin/sh (DL4005)

_SH_PATHS = frozenset({"/bin/sh", "/usr/bin/sh"})


class LinkBinSh(RunCommandRule):
    code = "DF605"
    name = "replace-bin-sh-with-ln"
    tags = ("shell", "best-practice")
    severity = Severity.WARNING
    summary = "RUN replaces /bin/sh with ln instead of using SHELL"
    description = (
        "Linking another shell over `/bin/sh` changes the shell of every program in the image, "
        "not just of the build, and breaks scripts that expect the distribution's `sh`. The "
        "`SHELL` instruction changes the shell of later RUN, CMD and ENTRYPOINT (shell form) "
        "only."
    )
    bad = "FROM debian:12\nRUN ln -sf /bin/bash /bin/sh\n"
    good = 'FROM debian:12\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\n'
    aliases = ("DL4005",)

    def check(self, command: Command, context: DockerfileContext) -> Iterator[Diagnostic]:
        if command.program != "ln":
            return
        positionals = command.positionals(
            value_options=("-t", "--target-directory", "-S", "--suffix")
        )
        if len(positionals) >= 2 and positionals[-1].text in _SH_PATHS:
            yield self.report(
                context.path,
                positionals[-1].span,
                "Replacing /bin/sh changes the shell of the whole image; use "
                'SHELL ["/bin/bash", "-c"] to change the build\'s shell.',
            )


# ---------------------------------------------------------------------------------------------
# DF606 pipefail (DL4006)

_PIPEFAIL_SHELLS = frozenset({"bash", "zsh", "ash", "ksh", "mksh", "ksh93", "busybox"})
# Programs that cannot fail in a way the pipeline's last command would hide.
_CANNOT_FAIL = frozenset({"echo", "printf", "yes", "true", ":"})


def shell_sets(shell: Sequence[str] | None, option: str, letter: str) -> bool:
    """Whether a SHELL argv enables a ``set`` option (``-o pipefail``, ``-e``, ``-eo pipefail``)."""
    if not shell:
        return False
    words = list(shell[1:])
    for index, word in enumerate(words):
        if word == "-c":
            break
        if word.startswith("-") and not word.startswith("--"):
            letters = word[1:]
            if letter and letter in letters:
                return True
            if letters.endswith("o") and index + 1 < len(words) and words[index + 1] == option:
                return True
    return False


def pipefail_shell(shell: Sequence[str] | None) -> bool:
    if not shell:
        return False
    program = basename(shell[0].replace("\\", "/"))
    return program in _PIPEFAIL_SHELLS and shell_sets(shell, "pipefail", "")


def _set_before(script: ShellScript, command: Command, option: str) -> bool:
    """``set -o option`` (or ``set -eo option``) at the top level before ``command``."""
    for candidate in script.commands:
        if candidate.span.start >= command.span.start:
            return False
        if candidate.program != "set" or candidate.in_substitution or candidate.in_function:
            continue
        words = [word.text for word in candidate.args]
        for index, word in enumerate(words):
            if (
                word.startswith("-")
                and word.endswith("o")
                and index + 1 < len(words)
                and words[index + 1] == option
            ):
                return True
    return False


_CHECKSUMS = frozenset(
    {"md5sum", "sha1sum", "sha224sum", "sha256sum", "sha384sum", "sha512sum", "b2sum", "shasum"}
)
# Readers that fail on empty or truncated input: the failure of what feeds them shows anyway.
_STRICT_READERS = frozenset(
    {
        "gpg",
        "gpg2",
        "apt-key",
        "gunzip",
        "zcat",
        "unxz",
        "xzcat",
        "bunzip2",
        "unzstd",
        "zstdcat",
        "cpio",
        "dpkg",
        "rpm",
        "unzip",
    }
)
_DECOMPRESSORS = frozenset({"gzip", "xz", "bzip2", "zstd", "lzma"})


# Commands that only read local files or text. A pipeline fed by nothing else is a local
# query (the official images' `find | ldd | awk | xargs -r dpkg-query --search | ...` that
# marks libraries manual); some of them exit non-zero by design (dpkg-query for a file no
# package owns), so pipefail there can break a working build.
_LOCAL_READERS = frozenset(
    {
        "find",
        "ldd",
        "scanelf",
        "readelf",
        "objdump",
        "file",
        "dpkg-query",
        "dpkg",
        "apt-mark",
        "apk",
        "rpm",
        "awk",
        "gawk",
        "mawk",
        "sed",
        "sort",
        "uniq",
        "cut",
        "tr",
        "grep",
        "egrep",
        "fgrep",
        "xargs",
        "cat",
        "ls",
        "head",
        "tail",
        "wc",
        "getent",
        "locale",
        "tee",
        "jq",
        "env",
        "printenv",
        "basename",
        "dirname",
        "realpath",
        "readlink",
        "stat",
        "du",
        "id",
        "uname",
        "nproc",
        "tac",
        "rev",
        "column",
        "paste",
        "join",
        "comm",
        "diff",
        "filterdiff",
    }
)


def _local_feeders(pipeline: Sequence[Command]) -> bool:
    """Whether every command feeding the last one only reads local files or text."""
    return all(command.program in _LOCAL_READERS | _CANNOT_FAIL for command in pipeline[:-1])


def _fails_on_bad_input(command: Command) -> str | None:
    """What the last command of a pipeline is, when it fails by itself on empty or truncated
    input (a verifier, an extractor, a key import, a check): then a failed feeder still fails
    the step, only with a less direct message."""
    start = command.start
    if start >= len(command.argv):
        return None
    program = basename(command.argv[start].text)
    if program == "busybox" and start + 1 < len(command.argv):
        start += 1  # `busybox unzip -`: the applet is the program
        program = basename(command.argv[start].text)
    words = [word.text for word in command.argv[start + 1 :]]
    if program in _CHECKSUMS and any(
        w in ("-c", "--check") or (w.startswith("-") and not w.startswith("--") and "c" in w)
        for w in words
    ):
        return f"{program} -c"
    if program in _STRICT_READERS:
        return program
    if program in _DECOMPRESSORS and any(
        w in ("-d", "--decompress") or (w.startswith("-") and not w.startswith("--") and "d" in w)
        for w in words
    ):
        return f"{program} -d"
    creates = "--create" in words or bool(
        words and not words[0].startswith("--") and "c" in words[0].lstrip("-")
    )
    if program in ("tar", "bsdtar") and not creates:
        return program  # reading an archive: empty or cut short, tar fails
    if program in ("grep", "egrep", "fgrep") and not any(
        w in ("-v", "--invert-match") or (w.startswith("-") and not w.startswith("--") and "v" in w)
        for w in words
    ):
        return program  # a check: no matching line (empty input included) fails
    return None


class MissingPipefail(InstructionRule):
    code = "DF606"
    name = "pipe-without-pipefail"
    tags = ("shell", "reliability")
    severity = Severity.WARNING
    summary = "A RUN pipeline hides the failure of its first commands"
    description = (
        "A pipeline's exit status is its last command's: in `curl -fsSL url | tar -xz` a failed "
        'download still lets the step pass. Use `SHELL ["/bin/bash", "-o", "pipefail", '
        '"-c"]` before the RUN, or start the RUN with `set -o pipefail &&` in a shell that has '
        "it. Like hadolint's DL4006, but pipelines fed only by `echo`/`printf` (which cannot "
        'fail, e.g. `echo "$SHA  file" | sha256sum -c -`) and pipelines inside `$( )` are '
        "accepted; non-POSIX shells are skipped. A warning when the last command succeeds on "
        "empty or partial input (`curl ... | bash`, `| python`, `| tee file`, `| xargs -r`, "
        "`| sort`, `| patch`): then a failed download or command goes unnoticed. Info when it "
        "fails on such input by itself -- a verifier or extractor (`sha256sum -c`, "
        "`gpg --dearmor`/`--import`, `apt-key add`, `tar x`, `gunzip`, a `grep` check): the "
        "build still fails, only with a less direct message. Info too when only local readers "
        "feed the pipe (`find | ldd | awk | xargs -r dpkg-query --search | ... | xargs -r "
        "apt-mark manual`, as the official images do): some exit non-zero by design, so "
        "pipefail could break a working build. Pipelines that are tests (in an "
        "`if`/`while` condition, or negated with `!`) are not reported. These are deliberate "
        "differences from DL4006, which reports every pipeline at warning."
    )
    bad = "FROM debian:12\nRUN curl -fsSL https://example.com/install.sh | bash\n"
    good = (
        'FROM debian:12\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\n'
        "RUN curl -fsSL https://example.com/install.sh | bash\n"
    )
    keywords = frozenset({"RUN"})
    onbuild = True
    aliases = ("DL4006",)

    def check(self, instruction: Instruction, context: DockerfileContext) -> Iterator[Diagnostic]:
        if instruction.is_json_form or pipefail_shell(context.shell_for(instruction)):
            return
        for script in context.shell(instruction):
            found = self._first_pipeline(script)
            if found is None:
                continue
            pipeline, strict, local = found
            span = Span(pipeline[0].span.start, pipeline[-1].span.end)
            if strict is None and not local:
                yield self.report(
                    context.path,
                    span,
                    "Only the last command of this pipeline decides whether the step "
                    "fails, and it succeeds on empty or partial input; set -o pipefail "
                    '(SHELL ["/bin/bash", "-o", "pipefail", "-c"]) so a '
                    "failure earlier in the pipe fails the build.",
                )
            elif strict is not None:
                yield self.report(
                    context.path,
                    span,
                    f"Only the last command of this pipeline decides whether the step "
                    f"fails; {strict} fails on empty or truncated input, so a failure "
                    "earlier in the pipe still fails the build, with a less direct "
                    "message. set -o pipefail makes it direct.",
                    severity=Severity.INFO,
                )
            else:
                yield self.report(
                    context.path,
                    span,
                    "Only the last command of this pipeline decides whether the step "
                    "fails; the commands feeding it only read local files, and some "
                    "exit non-zero by design (dpkg-query --search for a file no package "
                    "owns), so set -o pipefail could break a working build: add it only "
                    "if every one of them must succeed.",
                    severity=Severity.INFO,
                )
            break

    @staticmethod
    def _first_pipeline(script: ShellScript) -> tuple[tuple[Command, ...], str | None, bool] | None:
        """The first pipeline that hides a failure, with what its last command is when that
        fails on bad input by itself and whether only local readers feed it. A pipeline
        worth a warning (a fetch or tool feeding a lenient reader) comes first."""
        milder: tuple[tuple[Command, ...], str | None, bool] | None = None
        for pipeline in script.pipelines():
            if pipeline[0].in_substitution:
                continue
            if any(command.in_condition or command.negated for command in pipeline):
                continue  # a test (`if ldd x | grep -q 'not found'`): its status is the point
            if all(command.program in _CANNOT_FAIL for command in pipeline[:-1]):
                continue
            if _set_before(script, pipeline[0], "pipefail"):
                continue
            strict = _fails_on_bad_input(pipeline[-1])
            local = _local_feeders(pipeline)
            if strict is None and not local:
                return pipeline, None, False
            if milder is None:
                milder = (pipeline, strict, local)
        return milder


# ---------------------------------------------------------------------------------------------
# DF607 rm -rf /


class RemoveRoot(RunCommandRule):
    code = "DF607"
    name = "rm-root"
    tags = ("shell", "reliability")
    severity = Severity.ERROR
    summary = "rm -r deletes / or everything in it"
    description = (
        "`rm -rf /`, `rm -rf /*` or `--no-preserve-root` in a build step deletes the image's "
        "whole file system; it is almost always an unset variable (`rm -rf $DIR/`) or a typo. "
        "Quote and check the path, or use `${DIR:?}` so an empty variable stops the build."
    )
    bad = "FROM debian:12\nRUN rm -rf /*\n"
    good = "FROM debian:12\nRUN rm -rf /tmp/*\n"

    def check(self, command: Command, context: DockerfileContext) -> Iterator[Diagnostic]:
        if command.program != "rm" or not command.has_option("-r", "-R", "--recursive"):
            return
        if command.has_option("--no-preserve-root"):
            yield self.report(
                context.path,
                command.span,
                "rm --no-preserve-root may delete the whole file system.",
            )
            return
        for word in command.positionals():
            if word.literal and word.text in ("/", "/*", "/.*"):
                yield self.report(
                    context.path,
                    word.span,
                    f"`rm -r {word.text}` deletes the image's whole file system.",
                )


# ---------------------------------------------------------------------------------------------
# DF608 world-writable chmod


def _world_writable(mode: str) -> bool:
    """Octal modes with the others-write bit and no sticky bit; symbolic ``o+w``/``a+w``."""
    if mode.isdigit():
        if any(char not in "01234567" for char in mode) or not mode:
            return False
        value = int(mode, 8)
        return bool(value & 0o002) and not value & 0o1000
    writable = sticky = False
    for clause in mode.split(","):
        who, _sep, rest = clause.partition("+")
        if not _sep:
            continue
        added = rest.split("-")[0]
        if "t" in added:
            sticky = True  # `o+t` anywhere in the mode makes it a shared sticky folder (1777)
        if "w" in added and ("o" in who or "a" in who):  # a bare +w obeys the umask
            writable = True
    return writable and not sticky


def _scratch_folder(script: ShellScript, command: Command, targets: list[str]) -> bool:
    """The paths are a scratch folder that a later command of the same RUN deletes."""
    commands = script.commands
    position = next(i for i, other in enumerate(commands) if other is command)
    return bool(targets) and all(
        _removed_later(commands, position, target.rstrip("/")) for target in targets
    )


# Tool homes the official images make writable so that `docker run --user <any uid>` can still
# use the toolchain (rust's `chmod -R a+w $RUSTUP_HOME $CARGO_HOME`): by variable, or by path.
_TOOL_HOME_VARIABLES = frozenset(
    {
        "CARGO_HOME",
        "RUSTUP_HOME",
        "GOPATH",
        "GOROOT",
        "GOCACHE",
        "GOMODCACHE",
        "GEM_HOME",
        "BUNDLE_PATH",
        "BUNDLE_APP_CONFIG",
        "NPM_CONFIG_PREFIX",
        "NPM_GLOBAL",
        "NVM_DIR",
        "PIPX_HOME",
        "CONDA_DIR",
        "SDKMAN_DIR",
        "DOTNET_ROOT",
        "ANDROID_HOME",
        "ANDROID_SDK_ROOT",
        "FLUTTER_HOME",
        "PUB_CACHE",
        "COMPOSER_HOME",
        "RBENV_ROOT",
        "PYENV_ROOT",
        "JULIA_DEPOT_PATH",
    }
)
_TOOL_HOME_PATHS = (
    "/usr/local/cargo",
    "/usr/local/rustup",
    "/go",
    "/usr/local/go",
    "/usr/share/dotnet",
    "/usr/lib/dotnet",
    "/opt/conda",
    "/usr/local/sdkman",
    "/usr/local/share/nvm",
    "/usr/local/share/npm-global",
    "/opt/android-sdk",
    "/usr/local/bundle",
    "/usr/local/flutter",
    "/opt/flutter",
)
# World-writable here is a real hole whatever the reason: the root of the file system, root's
# home, configuration and programs, and what a web server serves.
_PROTECTED_PATHS = (
    "/etc",
    "/bin",
    "/sbin",
    "/usr/bin",
    "/usr/sbin",
    "/usr/local/bin",
    "/usr/local/sbin",
    "/lib",
    "/usr/lib",
    "/var/www",
    "/usr/share/nginx",
    "/srv",
)


def _under(path: str, folders: Iterable[str]) -> bool:
    return any(path == folder or path.startswith(folder.rstrip("/") + "/") for folder in folders)


def _volume_folders(context: DockerfileContext, stage: Stage, env: dict[str, str]) -> list[str]:
    """The VOLUME paths of the stage and the local stages it builds on, variables expanded."""
    from linter.dockerfile.variables import substitute

    folders = []
    for ancestor in stage_chain(context.dockerfile, stage):
        for instruction in ancestor.instructions:
            if instruction.keyword != "VOLUME":
                continue
            values = (
                list(instruction.json_args)
                if instruction.json_args is not None
                else [word.text for word in instruction.words]
            )
            for value in values:
                path = substitute(value, env, context.dockerfile.escape)
                if path.startswith("/"):
                    folders.append(posixpath.normpath(path))
    return folders


def _chmod_target_kind(
    script: ShellScript, word: ShellWord, path: str, volumes: Sequence[str]
) -> str:
    """ "protected", "fifo", "tool-home", "volume" or "plain" for one chmod target."""
    if (
        path in ("/", "/root")
        or _under(path, _PROTECTED_PATHS)
        or any(
            part in ("config", "conf", "html", "public", "htdocs", "www")
            for part in path.split("/")
        )
    ):
        return "protected"
    if any(
        command.program == "mkfifo" and any(arg.text == word.text for arg in command.positionals())
        for command in script.commands
    ):
        return "fifo"
    if any(
        f"${name}" in word.text or f"${{{name}}}" in word.text for name in _TOOL_HOME_VARIABLES
    ) or _under(path, _TOOL_HOME_PATHS):
        return "tool-home"
    if path.startswith("/") and _under(path, volumes):
        return "volume"
    return "plain"


class ChmodWorldWritable(RunCommandRule):
    code = "DF608"
    name = "chmod-world-writable"
    tags = ("security", "shell")
    severity = Severity.WARNING
    summary = "chmod makes files writable by every user"
    description = (
        "`chmod 777` (or `o+w`) lets any process in the container, whatever user it runs as, "
        "replace those files: a compromise of one service becomes a compromise of the image's "
        "programs. Give the directory to the user that needs it (`chown app:app`, "
        "`COPY --chown`) and keep the mode at 755/775. Sticky shared directories "
        "(`chmod 1777 /tmp/x`), scratch folders the same RUN deletes (as the official nginx "
        "image does with its `mktemp -d` build folder) and named pipes the same RUN makes "
        "(`mkfifo` then `chmod 0622`, a trigger every sender writes) are accepted. Tool homes "
        "made writable so the image works under any `--user` (the official rust image's "
        "`chmod -R a+w $RUSTUP_HOME $CARGO_HOME`, GOPATH, an SDK folder) and VOLUME folders "
        "are reported at info. `/`, `/root`, configuration, program and web folders stay "
        "warnings whatever else they are."
    )
    bad = "FROM debian:12\nRUN mkdir /data && chmod -R 777 /data\n"
    good = "FROM debian:12\nRUN mkdir /data && chown -R 1000:1000 /data && chmod 755 /data\n"
    aliases = ()

    def check(self, command: Command, context: DockerfileContext) -> Iterator[Diagnostic]:
        from linter.dockerfile.variables import expand

        if command.program != "chmod":
            return
        positionals = command.positionals(value_options=("--reference",))
        if not positionals or not positionals[0].literal:
            return
        mode = positionals[0]
        targets = [word.text for word in positionals[1:]]
        script = context.script_of(command)
        stage = context.stage_of(command)
        if (
            stage is None
            or not _world_writable(mode.text)
            or _scratch_folder(script, command, targets)
        ):
            return
        stage_facts: dict[int, tuple[dict[str, str], list[str]]] = context.cache(
            "rules.df_shell.chmod_facts", dict
        )
        if stage.index not in stage_facts:
            env = stage_env(context.dockerfile, stage)
            stage_facts[stage.index] = (env, _volume_folders(context, stage, env))
        env, volumes = stage_facts[stage.index]
        workdir = context.workdir_at(context.instruction_of(command))
        kinds = set()
        for word in positionals[1:]:
            value, unset = expand(word.text, env, context.dockerfile.escape)
            # an unknown variable is not "/": judge the words as written then
            path = posixpath.normpath(absolute(word.text if unset else value, workdir))
            kinds.add(_chmod_target_kind(script, word, path, volumes))
        kinds.discard("fifo")  # a named pipe every sender writes to: its mode is its job
        if not kinds:
            return
        if kinds <= {"tool-home", "volume"}:
            why = (
                "a tool home made writable for any --user"
                if "tool-home" in kinds
                else "a VOLUME folder, replaced by the mounted volume at run time"
            )
            yield self.report(
                context.path,
                mode.span,
                f"chmod {mode.text} on {why}: every user in the container "
                "can modify it; fine when the image must run under any uid, "
                "otherwise chown it to the user that needs it.",
                severity=Severity.INFO,
            )
            return
        yield self.report(
            context.path,
            mode.span,
            f"chmod {mode.text} lets every user in the container modify "
            "these files; chown them to the user that needs them instead.",
        )


# ---------------------------------------------------------------------------------------------
# DF609 failure masked with || true

_MASKS = frozenset({"true", ":"})
_BUILDERS = frozenset({"make", "cmake", "ninja", "cargo", "mvn", "gradle", "msbuild"})


def _masking(command: Command) -> bool:
    if command.program in _MASKS and not command.args:
        return True
    if command.program == "exit":
        args = command.arg_texts
        return not args or args[0] == "0"
    return False


def _can_hide(command: Command) -> str | None:
    """A label for commands whose failure must not be ignored: installs and builds."""
    invocation = parse_invocation(command.texts)
    if invocation is not None and invocation.action in (
        "install",
        "add",
        "ci",
        "build",
        "upgrade",
        "get",
    ):
        return f"{invocation.manager} {invocation.action_word or invocation.action}"
    program = command.program
    if program in _BUILDERS:
        return program
    return None


def _go_get_packages(command: Command) -> list[str]:
    """The import paths a ``go get`` fetches (empty for anything else)."""
    argv = [word.text for word in command.argv]
    if len(argv) < 3 or basename(argv[0]) != "go" or argv[1] != "get":
        return []
    return [
        text.split("@")[0].removesuffix("/...") for text in argv[2:] if not text.startswith("-")
    ]


def _checked_later(
    stage: Stage,
    instruction: Instruction,
    masked: Command,
    commands: Sequence[Command],
    position: int,
) -> bool:
    """Whether what follows a ``go get ... || true`` fails anyway when the fetch failed.

    ``go get`` of a GOPATH package with no buildable code at its root exits non-zero after
    downloading it, hence the ``|| true`` in many Dockerfiles. When the next commands
    ``cd`` into the downloaded source or ``git checkout`` a version in it, a failed download
    still fails the step; so does a later WORKDIR into the source (or a parent of the
    package's import path), with only ENV/ARG/LABEL lines between.
    """
    packages = _go_get_packages(masked)
    if not packages:
        return False
    for later in commands[position + 1 :]:
        if later.program == "git" and later.subcommand() in ("checkout", "reset", "switch"):
            return True
        if (
            later.program == "cd"
            and later.positionals()
            and any(
                later.positionals()[0].text.rstrip("/").endswith(package) for package in packages
            )
        ):
            return True
    return in_go_source_after(stage, instruction, packages) is not None


class FailureMasked(InstructionRule):
    code = "DF609"
    name = "install-failure-masked"
    tags = ("shell", "reliability")
    severity = Severity.WARNING
    summary = "An install or build command's failure is hidden with || true"
    description = (
        "`apt-get install x || true` (or `|| :`, `|| exit 0`) turns a failed install or build "
        "into a successful step: the image is built without the package and fails later, at "
        "run time, far from the cause. Let the step fail, or handle the specific error you "
        "expect. Not reported for `go get PKG || true` when the next command `cd`s into "
        "the downloaded source or runs `git checkout` there (or the next instruction is a "
        "WORKDIR into it, or into a parent of its import path, with only ENV/ARG lines "
        "between): a failed download fails the step anyway, and the `|| true` only "
        'skips GOPATH-mode\'s "no buildable Go source files" error.'
    )
    bad = (
        "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl"
        " || true\n"
    )
    good = (
        "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends "
        "curl \\\n && rm -rf /var/lib/apt/lists/*\n"
    )
    keywords = frozenset({"RUN"})
    onbuild = True

    def check(self, instruction: Instruction, context: DockerfileContext) -> Iterator[Diagnostic]:
        stage = context.stage_of(instruction)
        if stage is None:
            return
        for script in context.shell(instruction):
            yield from self._script(context, stage, instruction, script)

    def _script(
        self,
        context: DockerfileContext,
        stage: Stage,
        instruction: Instruction,
        script: ShellScript,
    ) -> Iterator[Diagnostic]:
        commands = [c for c in script.commands if not c.in_substitution]
        for position, command in enumerate(commands[1:], start=1):
            if command.operator_before != "||" or not _masking(command):
                continue
            # every command of the same ``&&`` chain before the ``||`` is masked
            index = position - 1
            while index >= 0:
                masked = commands[index]
                if masked.statement != command.statement or masked.in_condition:
                    break
                label = _can_hide(masked)
                if label is not None and _checked_later(
                    stage, instruction, masked, commands, position
                ):
                    break
                if label is not None:
                    yield self.report(
                        context.path,
                        masked.span,
                        f"`|| {command.raw}` hides a failure of `{label}`: the image builds "
                        "without what it installs or builds.",
                    )
                    break
                if masked.operator_before not in ("&&", "|"):
                    break
                index -= 1


# ---------------------------------------------------------------------------------------------
# DF610 ; without set -e

_HARMLESS = frozenset(
    {
        "set",
        "export",
        "echo",
        "printf",
        "true",
        ":",
        "unset",
        "local",
        "declare",
        "readonly",
        "shopt",
        "trap",
        "umask",
        "hash",
        "sleep",
        "[",
        "[[",
        "test",
        "exit",
        "return",
        "rm",
        "mkdir",
        "ls",
        "cat",
        "which",
        "command",
        "type",
    }
)


def errexit_shell(shell: Sequence[str] | None) -> bool:
    return shell_sets(shell, "errexit", "e")


class SemicolonWithoutErrexit(InstructionRule):
    code = "DF610"
    name = "semicolon-ignores-failure"
    tags = ("shell", "reliability")
    severity = Severity.INFO
    summary = "A command separated by ; can fail without failing the build"
    description = (
        "In `a; b`, the step's exit status is `b`'s: when `a` fails the build goes on. "
        "Official images write `set -eux; a; b` for that reason. This rule reports commands "
        "that can fail (installs, downloads, builds: not `echo`, `rm`, `mkdir`...) followed "
        "by `;` or a new line when neither `set -e` nor a SHELL with `-e` is in force. Off by "
        "default: `&&` chains are the more common style and are not affected."
    )
    bad = "FROM debian:12\nRUN apt-get update; apt-get install -y --no-install-recommends curl\n"
    good = (
        "FROM debian:12\nRUN set -eux; apt-get update; apt-get install -y "
        "--no-install-recommends curl; rm -rf /var/lib/apt/lists/*\n"
    )
    keywords = frozenset({"RUN"})
    onbuild = True
    enabled_by_default = False

    def check(self, instruction: Instruction, context: DockerfileContext) -> Iterator[Diagnostic]:
        if errexit_shell(context.shell_for(instruction)):
            return
        for script in context.shell(instruction):
            if script.origin in ("shell", "heredoc"):
                yield from self._script(context, script)

    def _script(self, context: DockerfileContext, script: ShellScript) -> Iterator[Diagnostic]:
        sequences = [
            group for group in script.sequences() if any(not c.in_substitution for c in group)
        ]
        for group, following in itertools.pairwise(sequences):
            if _errexit_before(script, following[0]):
                return  # set -e stays on for the rest of the script
            last = next((c for c in reversed(group) if not c.in_substitution), None)
            if last is None or last.background or last.in_condition or last.in_loop:
                continue
            if any(c.operator_before == "||" for c in group):
                continue
            program = last.program
            if program is None or program in _HARMLESS or last.negated:
                continue
            yield self.report(
                context.path,
                last.span,
                f"If `{program}` fails, the build goes on: the next command "
                "follows `;`. Use `&&`, or start the RUN with `set -e`.",
            )


def _errexit_before(script: ShellScript, command: Command) -> bool:
    """``set -e`` (``set -eux``, ``set -o errexit``) at the top level before ``command``."""
    for candidate in script.commands:
        if candidate.span.start >= command.span.start:
            return False
        if candidate.program != "set" or candidate.in_substitution or candidate.in_function:
            continue
        words = [word.text for word in candidate.args]
        for index, word in enumerate(words):
            if word.startswith("-") and not word.startswith("--") and "e" in word[1:]:
                return True
            if word == "-o" and index + 1 < len(words) and words[index + 1] == "errexit":
                return True
    return False


RULES = (
    PointlessCommand,
    CdInRun,
    WgetProgress,
    CurlAndWget,
    LinkBinSh,
    MissingPipefail,
    RemoveRoot,
    ChmodWorldWritable,
    FailureMasked,
    SemicolonWithoutErrexit,
)

__all__ = ["RULES", "pipefail_shell"]
