"""Security of the image and of its build: root user, sudo, TLS checks, unsigned packages.

Each rule reasons on the AST (USER, EXPOSE, WORKDIR, ADD) or on the shell view of RUN. Peer
IDs of the same check (hadolint, Checkov, Trivy) are aliases, so their suppressions keep working.
"""

from __future__ import annotations

import fnmatch
import itertools
import posixpath
from collections.abc import Iterator, Sequence

from linter import (
    Diagnostic,
    DockerfileContext,
    InstructionRule,
    Rule,
    RunCommandRule,
    Severity,
    Span,
    Target,
)
from linter.dockerfile.ast import Dockerfile, Instruction, KeyValue, Stage
from linter.dockerfile.shell import Command, basename
from linter.patterns import lazy_compile

from ._dockerfile_words import stage_chain, strip_quotes
from ._image_users import process_supervisor, runs_unprivileged
from ._packages import parse_invocation
from ._runs import commands, shipped_stages, stage_commands

# ---------------------------------------------------------------------------------------------
# users


def _is_root(user: str) -> bool:
    name = strip_quotes(user).split(":", 1)[0].strip()
    return name in ("root", "0")


class RootUser(Rule):
    code = "DF400"
    name = "last-user-root"
    tags = ("security",)
    severity = Severity.INFO
    summary = "The image's last USER is root"
    description = (
        "A container runs as the image's last USER; root in the container is root on every "
        "file and device it can reach, and one step away from the host after an escape. Switch "
        "to an unprivileged user after the steps that need root. Only the USER that reaches an "
        "image is reported: the final stage's (or that of a stage it is built `FROM`) and of "
        "stages nobody references (buildable with `--target`). hadolint's DL3002 also flags "
        "builder stages used only through `COPY --from`, whose USER never reaches an image."
        " Info by default: devcontainer Dockerfiles end with `USER root` because "
        "devcontainer.json picks the user (`remoteUser`), and cron or CI images need root; "
        "such images were 7 of the 8 findings sampled on 29 public repositories "
        "(benchmarks/precision-ledger.csv). DF401 covers application images that never leave "
        "root. Raise it with `--severity DF400=warning` where that fits your files."
    )
    bad = "FROM debian:12\nRUN useradd -r app\nUSER app\nRUN id\nUSER root\n"
    good = "FROM debian:12\nUSER root\nRUN useradd -r app\nUSER app\n"
    target = Target.DOCKERFILE
    aliases = ("DL3002", "CKV_DOCKER_8", "DS-0002")

    def check(self, context: DockerfileContext) -> Iterator[Diagnostic]:
        dockerfile = context.dockerfile
        seen: set[int] = set()
        for index in sorted(shipped_stages(dockerfile)):
            user = context.final_user(dockerfile.stages[index])
            if user is None or id(user) in seen or not _is_root(user.arguments):
                continue
            seen.add(id(user))
            span = user.arguments_span or user.span
            yield self.report(
                context.path,
                span,
                f"The image runs as {user.arguments.strip()}: switch to an "
                "unprivileged USER after the steps that need root.",
            )


class NoUser(Rule):
    code = "DF401"
    name = "no-user"
    tags = ("security",)
    severity = Severity.WARNING
    summary = "The image runs its service as root: no non-root USER on a root base image"
    description = (
        "Without a USER instruction the container runs as the base image's user, which is "
        "root for most images: root in the container owns every file and device it can "
        "reach, and is one step away from the host after an escape. Add `USER` with an "
        "unprivileged user (a numeric UID works everywhere) after the steps that need root.\n\n"
        "Not reported, because the container does not end up as root or because root is "
        "what the image is for:\n"
        "- base images that already run unprivileged (distroless `:nonroot`, Chainguard, "
        "Bitnami, Jenkins, Jupyter, Grafana, ...) and server images whose own entrypoint "
        "drops privileges (official postgres, mysql, mariadb, redis, mongo, nginx, httpd, "
        "rabbitmq, ...): the table, with the reason for each, is `rules/_image_users.py`;\n"
        "- a stage that inherits a USER from the stage it is built `FROM`;\n"
        "- images whose entrypoint drops privileges itself (`gosu`, `su-exec`, `setpriv`, "
        "`s6-setuidgid`, `chpst`, `runuser`, in the Dockerfile or in the entrypoint script "
        "copied from the build context);\n"
        "- images meant to be extended or used interactively: no CMD/ENTRYPOINT of their "
        "own, or a default command that is a shell or REPL (`bash`, `python3`, `node`, "
        "`sleep infinity`), and development containers (`.devcontainer/`);\n"
        "- a base image that is a build argument with no default (unknown);\n"
        "- programs whose job needs root (iptables, sysctl, VPN daemons, containerd, "
        "bpftrace, ...);\n"
        "- a process supervisor (supervisord, s6-overlay's `/init`, runit) as the main "
        "process when the image installs or configures a mail or DNS server suite (postfix, "
        "dovecot, exim, unbound, bind): its daemons need root to start and serve as their "
        "own users, and the supervisor needs root to start them (table in "
        "`rules/_image_users.py`). A supervisor that runs the image's own programs beside a "
        "web server is still reported.\n\n"
        "An image that EXPOSEs a port is a network service and is reported as a warning; "
        "one that does not (a command-line tool, a desktop application in a container, a "
        "worker) is reported as info: measured on 1,281 public Dockerfiles, most of those "
        "are tools run by hand, where a reviewer would call the advice debatable."
    )
    bad = 'FROM python:3.12-slim\nWORKDIR /app\nCOPY app.py .\nCMD ["python", "/app/app.py"]\n'
    good = (
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY app.py .\nUSER 10001:10001\n"
        'CMD ["python", "/app/app.py"]\n'
    )
    target = Target.DOCKERFILE
    aliases = ("CKV_DOCKER_3",)

    def check(self, context: DockerfileContext) -> Iterator[Diagnostic]:
        dockerfile = context.dockerfile
        if not dockerfile.stages or "/.devcontainer/" in "/" + context.path.replace("\\", "/"):
            return
        final = dockerfile.stages[-1]
        if context.final_user(final) is not None:
            return  # a root USER is DF400's finding
        chain = stage_chain(dockerfile, final)
        image = chain[-1].image
        if image is None or image.unresolved_variables or "{{" in image.text:
            return  # unknown base, or a template that generates the Dockerfile
        if (
            not image.is_scratch
            and runs_unprivileged(image.registry, image.repository, image.tag) is not None
        ):
            return
        command = _start_command(chain)
        if command is None or _interactive(command):
            return
        if _drops_privileges(context, chain, command) or _NEEDS_ROOT.search(" ".join(command)):
            return
        if _supervises_dropping_daemons(chain, command):
            return
        name = "scratch" if image.is_scratch else image.resolved
        service = any(
            instruction.keyword == "EXPOSE" for stage in chain for instruction in stage.instructions
        )
        yield self.report(
            context.path,
            final.from_instruction.span,
            f"The image runs `{' '.join(command)[:60]}` as root: the final stage sets no "
            f"USER and {name} runs as root. Add `USER` with an unprivileged user (for "
            "example `USER 10001`) after the steps that need root.",
            severity=None if service else Severity.INFO,
        )


_SHELLS_AND_REPLS = frozenset(
    {
        "sh",
        "bash",
        "ash",
        "dash",
        "zsh",
        "fish",
        "ksh",
        "busybox",
        "python",
        "python2",
        "python3",
        "node",
        "irb",
        "ruby",
        "jshell",
        "ghci",
        "iex",
        "erl",
        "r",
        "julia",
        "lua",
        "perl",
        "pwsh",
        "powershell",
        "cmd",
        "mongosh",
        "psql",
        "mysql",
        "redis-cli",
        "sqlite3",
        "deno",
        "bun",
        "php",
    }
)
_ENTRYPOINT_SCRIPT = (
    "entrypoint",
    "entrypoint.sh",
    "docker-entrypoint.sh",
    "tini",
    "dumb-init",
    "/sbin/tini",
    "/usr/bin/tini",
    "--",
)
_DROP_TOOLS = lazy_compile(
    r"\b(gosu|su-exec|suexec|setpriv|s6-setuidgid|chpst|runuser|setuidgid|start-stop-daemon"
    r"|su\s+(-s\s+\S+\s+)?-c|su\s+-\s+\w+|sudo\s+-u)\b"
)


def _argv(instruction: Instruction) -> list[str]:
    if instruction.json_args is not None:
        return list(instruction.json_args)
    return ["sh", "-c", instruction.arguments] if instruction.arguments else []


def _start_command(chain: Sequence[Stage]) -> list[str] | None:
    """What the container starts: ENTRYPOINT and CMD of the image, None when inherited."""
    entrypoint: list[str] | None = None
    cmd: list[str] | None = None
    for stage in chain:
        for instruction in reversed(stage.instructions):
            if instruction.keyword == "ENTRYPOINT" and entrypoint is None:
                entrypoint = _argv(instruction)
            elif instruction.keyword == "CMD" and cmd is None:
                cmd = _argv(instruction)
    if not entrypoint:
        return cmd or None
    head = basename(entrypoint[0]).lower()
    if (head in _ENTRYPOINT_SCRIPT or "entrypoint" in head or head.endswith(".sh")) and cmd:
        # A wrapper that ends with ``exec "$@"`` (``/start.sh``): what it runs is the CMD.
        return entrypoint + cmd
    return entrypoint


def _interactive(command: list[str]) -> bool:
    """A shell, a REPL or an idle process: an image for tools or for building on."""
    words = [
        word
        for word in command
        if basename(word).lower() not in _ENTRYPOINT_SCRIPT
        and "entrypoint" not in basename(word).lower()
    ]
    if words[:2] == ["sh", "-c"] and len(words) == 3:
        words = words[2].split()
    if not words:
        return True
    program = basename(words[0]).lower().rstrip("0123456789.")
    if len(words) == 1:
        return program in _SHELLS_AND_REPLS
    rest = [word.lower() for word in words[1:]]
    return (
        (program in _SHELLS_AND_REPLS and rest in (["-i"], ["-l"], ["-a"], ["--login"]))
        or (program == "sleep" and rest[0] in ("infinity", "inf"))
        or (program == "tail" and rest[-1] == "/dev/null")
    )


# Daemons that start as root to bind their ports or read their keys, and serve requests as
# their own unprivileged user (their default configuration names it).
_SELF_DROPPING_DAEMONS = frozenset(
    {
        "nginx",
        "httpd",
        "httpd-foreground",
        "apache2",
        "apache2-foreground",
        "apache2ctl",
        "apachectl",
        "php-fpm",
        "lighttpd",
        "haproxy",
        "squid",
        "dnsmasq",
        "unbound",
        "named",
        "postfix",
        "dovecot",
        "exim",
        "sshd",
        "vsftpd",
        "proftpd",
        "pure-ftpd",
        "chronyd",
        "openvpn",
        "privoxy",
        "tor",
        "memcached",
        "mysqld",
        "mariadbd",
        "postgres",
        "icecast",
        "mpd",
        "radiusd",
    }
)
# Programs that manage the kernel, the network stack or containers: root is their job.
_NEEDS_ROOT = lazy_compile(
    r"\b(iptables|ip6tables|nft|sysctl|modprobe|wg-quick|bpftrace|tcpdump|containerd|dockerd"
    r"|pptpd|ipsec|strongswan|xl2tpd|kismet|ip\s+(link|route|addr))\b"
)
_CREATES_USER = lazy_compile(r"\b(useradd|adduser)\b")


# Mail and DNS server suites a supervisor starts: each daemon needs root to start (ports
# 25/53/143, keys, chroots) and serves as its own user; the helpers beside them (syslog,
# cron, fail2ban) need root too. A web server alone (nginx beside the image's own gunicorn)
# does not qualify: the other programs are the image's own and could run unprivileged.
_SUPERVISED_SERVER_SUITES = ("postfix", "dovecot", "exim", "exim4", "unbound", "named", "bind9")
_DAEMON_WORD = lazy_compile(r"(?<![\w.-])(" + "|".join(_SUPERVISED_SERVER_SUITES) + r")(?![\w.])")


def _supervises_dropping_daemons(chain: Sequence[Stage], command: list[str]) -> bool:
    """A process supervisor (supervisord, s6, runit: the table in ``rules/_image_users.py``)
    starting a mail or DNS server suite the image installs or configures, whose daemons drop
    privileges themselves (``apt-get install postfix``, ``COPY dovecot.conf /etc/dovecot/``)."""
    words = command[2].split() if command[:2] == ["sh", "-c"] and len(command) == 3 else command
    if not any(process_supervisor(word) for word in words[:4]):
        return False
    return any(
        instruction.keyword in ("RUN", "COPY", "ADD")
        and _DAEMON_WORD.search(instruction.arguments) is not None
        for stage in chain
        for instruction in stage.instructions
    )


def _drops_privileges(
    context: DockerfileContext, chain: Sequence[Stage], command: list[str]
) -> bool:
    """Whether the image's own steps or entrypoint switch to another user at start."""
    programs = [
        word
        for n, word in enumerate(command)
        if "entrypoint" not in basename(word).lower()
        and not (n == 0 and word.endswith(".sh") and len(command) > 1)
    ]
    if programs[:2] == ["sh", "-c"] and len(programs) == 3:
        # The shell form: the service is what the script ends with (``... && nginx``); a `;`
        # inside quotes (``nginx -g 'daemon off;'``) does not end a command.
        parts = [part for part in programs[2].replace("&&", ";").split(";") if part.strip(" '\"")]
        last = parts[-1].split() if parts else []
        programs = [word for word in last if word != "exec"]
    if programs and basename(programs[0]).lower().rstrip("0123456789.") in _SELF_DROPPING_DAEMONS:
        return True
    for flag, value in itertools.pairwise(programs):
        # ``rspamd -u _rspamd``, ``dnsmasq --user=dnsmasq``: the daemon switches itself.
        if flag in ("-u", "--user", "--uid", "--runas") and value not in ("root", "0"):
            return True
    if any(
        word.startswith(("--user=", "--uid=")) and word.split("=", 1)[1] not in ("root", "0")
        for word in programs
    ):
        return True
    for stage in chain:
        for instruction in stage.instructions:
            if instruction.keyword in ("RUN", "ENTRYPOINT", "CMD") and _DROP_TOOLS.search(
                instruction.arguments
            ):
                return True
    if _DROP_TOOLS.search(" ".join(command)):
        return True
    scripts = {basename(word) for word in command if "/" in word or "." in word}
    texts = list(_copied_scripts(context, chain, scripts))
    if any(_DROP_TOOLS.search(text) for text in texts):
        return True
    # The image creates a user and starts through a script we cannot read (not in the
    # build context given): that script most likely switches to the user.
    starts_with_script = bool(command) and (
        "entrypoint" in basename(command[0]).lower() or command[0].endswith(".sh")
    )
    return (
        starts_with_script
        and not texts
        and any(
            _CREATES_USER.search(instruction.arguments)
            for stage in chain
            for instruction in stage.instructions
            if instruction.keyword == "RUN"
        )
    )


def _copied_scripts(
    context: DockerfileContext, chain: Sequence[Stage], names: set[str]
) -> Iterator[str]:
    """Texts of the files named ``names`` that the chain copies from the build context."""
    root = context.build_context
    if root is None or not names:
        return
    for stage in chain:
        for instruction in stage.instructions:
            if (
                instruction.keyword not in ("COPY", "ADD")
                or instruction.flag("from")
                or len(instruction.words) < 2
            ):
                continue
            for word in instruction.words[:-1]:
                source = strip_quotes(word.text)
                if basename(source) not in names and not source.endswith("/"):
                    continue
                candidates = (
                    [root / source]
                    if basename(source) in names
                    else [root / source / name for name in names]
                )
                for path in candidates:
                    try:
                        if path.is_file() and path.stat().st_size < 1_000_000:
                            yield path.read_text(encoding="utf-8", errors="replace")
                    except OSError:
                        continue


# ---------------------------------------------------------------------------------------------
# sudo


_ROOT_USERS = frozenset({"root", "0", "#0"})
# A script that checks whether it already runs as root (patch images built on any base).
_ROOT_CHECKS = ("id -u", "$EUID", "${EUID}", "$UID", "${UID}")
# sudo's short options that take a value (-h alone is --help, so it is not among them).
_SUDO_VALUE_OPTIONS = frozenset("CDgprRtTU")


def _sudo_user(argv: Sequence[str]) -> str:
    """The user ``sudo`` runs the command as: the ``-u``/``--user`` value, else root."""
    index = 1
    while index < len(argv):
        word = argv[index]
        if word == "--" or not word.startswith("-"):
            break
        if word.startswith("--user="):
            return word.split("=", 1)[1]
        if word == "--user":
            return argv[index + 1] if index + 1 < len(argv) else "root"
        if word.startswith("--"):
            index += 1
            continue
        letters = word[1:]
        for position, letter in enumerate(letters):
            if letter == "u":
                rest = letters[position + 1 :]
                if rest:
                    return rest
                return argv[index + 1] if index + 1 < len(argv) else "root"
            if letter in _SUDO_VALUE_OPTIONS:
                if not letters[position + 1 :]:
                    index += 1  # the value is the next word
                break
        index += 1
    return "root"


class SudoInRun(RunCommandRule):
    code = "DF402"
    name = "sudo-in-run"
    tags = ("security", "shell")
    severity = Severity.WARNING
    summary = "RUN uses sudo to become root"
    description = (
        "Build steps already run as the stage's USER; `sudo` needs a sudoers setup inside the "
        "image, behaves unpredictably without a terminal, and leaves an escalation path for "
        "the running container. Switch with `USER root` for the steps that need it, then back. "
        "`sudo -u <user>` (or `--user`) run by root only drops privileges for one command "
        "(`sudo -u node npm install -g ...` in dev containers) and is not reported, nor is a "
        'RUN that checks whether it already runs as root (`if [ "$(id -u)" -ne 0 ]; then '
        "sudo ...`, patch images built on any base). Reported "
        "once per RUN, like hadolint's DL3004; a warning (DL3004 says error), since the build "
        "works either way. Skipping privilege drops and root-checked sudo, and the severity, "
        "are deliberate differences from DL3004."
    )
    bad = "FROM debian:12\nUSER app\nRUN sudo apt-get update\n"
    good = (
        "FROM debian:12\nUSER root\nRUN apt-get update && rm -rf /var/lib/apt/lists/*\nUSER app\n"
    )
    aliases = ("DL3004", "DS-0010", "CKV2_DOCKER_1")

    def check(self, command: Command, context: DockerfileContext) -> Iterator[Diagnostic]:
        if command.head != "sudo" or _sudo_user(command.texts) not in _ROOT_USERS:
            return  # no sudo, or it drops privileges for one command: no USER root to use
        if any(check in context.script_of(command).text for check in _ROOT_CHECKS):
            return  # `if [ "$(id -u)" -ne 0 ]; then sudo ...`: root or not, both work
        reported = context.cache("rules.df_security.sudo_runs", set[int])
        instruction = id(context.instruction_of(command))
        if instruction in reported:
            return  # one finding per RUN
        reported.add(instruction)
        yield self.report(
            context.path,
            command.word_span(0),
            "Do not use sudo in RUN: use USER root for the steps that need it.",
        )


# ---------------------------------------------------------------------------------------------
# EXPOSE 22


def _covers_22(text: str) -> bool:
    port = text.split("/", 1)[0]
    low, _dash, high = port.partition("-")
    if not low.isdigit() or (high and not high.isdigit()):
        return False
    return int(low) <= 22 <= int(high or low)


# Programs whose job is to be an SSH (or SFTP, git-over-SSH) server.
_SSH_SERVER_PROGRAMS = frozenset(
    {"sshd", "dropbear", "sftp-server", "git-daemon", "gitolite", "soft", "sshpiperd"}
)
_SSH_SERVER_PACKAGES = frozenset({"openssh-server", "openssh", "dropbear", "openssh-sftp-server"})
_INSTALLERS = frozenset({"apt-get", "apt", "apk", "yum", "dnf", "microdnf", "zypper", "pacman"})


def _main_process_words(dockerfile: Dockerfile, chain: Sequence[Stage]) -> list[str]:
    """The words of the ENTRYPOINT and CMD the stage ends with (inherited from local bases)."""
    words: list[str] = []
    for keyword in ("ENTRYPOINT", "CMD"):
        for stage in chain:
            found = [i for i in stage.instructions if i.keyword == keyword]
            if found:
                last = found[-1]
                if last.json_args is not None:
                    words.extend(last.json_args)
                else:
                    words.extend(word.text for word in last.words)
                break
    return words


def _is_ssh_server(context: DockerfileContext, stage: Stage) -> bool:
    """Whether the image exists to be an SSH server: sshd (or a git/SFTP server) is its main
    process, or it installs an SSH server and exposes nothing but port 22."""
    chain = stage_chain(context.dockerfile, stage)
    main = _main_process_words(context.dockerfile, chain)
    if any(basename(strip_quotes(word)) in _SSH_SERVER_PROGRAMS for word in main):
        return True
    ports = [
        strip_quotes(word.text)
        for instruction in stage.instructions
        if instruction.keyword == "EXPOSE"
        for word in instruction.words
    ]
    if not ports or not all(_covers_22(port) for port in ports):
        return False
    for command in stage_commands(context, chain):
        texts = command.texts
        if command.program in _INSTALLERS and any(
            text.split("=", 1)[0] in _SSH_SERVER_PACKAGES for text in texts[1:]
        ):
            return True
    return False


class SshPortExposed(Rule):
    code = "DF403"
    name = "ssh-port-exposed"
    tags = ("security", "network-isolation")
    severity = Severity.WARNING
    summary = "EXPOSE opens the SSH port 22"
    description = (
        "An SSH server in a container is a second way in with its own credentials to manage; "
        "`docker exec` gives a shell without one. Exposing port 22 is how Checkov and Trivy "
        "spot it. An image that exists to be an SSH server is not reported: its ENTRYPOINT or "
        "CMD runs sshd, dropbear, an SFTP or git-over-SSH server, or it installs an SSH server "
        "and exposes nothing but port 22 (an OpenSSH image, a git server, an SSH test target)."
    )
    bad = "FROM debian:12\nEXPOSE 22 8080\n"
    good = "FROM debian:12\nEXPOSE 8080\n"
    target = Target.DOCKERFILE
    aliases = ("CKV_DOCKER_1", "DS-0004")

    def check(self, context: DockerfileContext) -> Iterator[Diagnostic]:
        for stage in context.dockerfile.stages:
            exposed = [
                word
                for instruction in stage.instructions
                if instruction.keyword == "EXPOSE"
                for word in instruction.words
                if _covers_22(strip_quotes(word.text))
            ]
            if not exposed or _is_ssh_server(context, stage):
                continue
            for word in exposed:
                yield self.report(
                    context.path,
                    word.span,
                    "Port 22 (SSH) is exposed; use `docker exec` instead of "
                    "an SSH server in the container.",
                )


# ---------------------------------------------------------------------------------------------
# TLS verification

_FALSE = frozenset({"0", "false", "no", "off"})


def _env_disables_tls(name: str, value: str) -> str | None:
    """Why setting ``name=value`` turns certificate checks off, if it does."""
    upper = name.upper()
    lowered = value.strip().lower()
    if upper == "GIT_SSL_NO_VERIFY":
        return "GIT_SSL_NO_VERIFY makes git skip certificate checks"
    if upper == "NODE_TLS_REJECT_UNAUTHORIZED" and lowered == "0":
        return "NODE_TLS_REJECT_UNAUTHORIZED=0 makes Node.js accept any certificate"
    if upper == "PYTHONHTTPSVERIFY" and lowered == "0":
        return "PYTHONHTTPSVERIFY=0 makes Python skip certificate checks"
    if upper in ("NPM_CONFIG_STRICT_SSL", "YARN_STRICT_SSL") and lowered in _FALSE:
        return f"{name}={value} makes the package manager accept any certificate"
    if upper == "PIP_TRUSTED_HOST" and lowered:
        return "PIP_TRUSTED_HOST makes pip skip certificate checks for those hosts"
    if upper == "GOINSECURE" and lowered:
        return "GOINSECURE makes go fetch those modules without certificate checks"
    return None


def _tls_off_in_command(command: Command, start: int) -> tuple[Span, str] | None:
    """Where and why a RUN command disables certificate verification."""
    argv = command.argv[start:]
    program = basename(argv[0].text)
    texts = [word.text for word in argv]
    lowered = [text.lower() for text in texts]
    if program == "curl":
        for option in command.options():
            if option.name in ("-k", "--insecure"):
                return command.word_span(option.index), "curl -k/--insecure accepts any certificate"
    if program == "wget":
        for option in command.options():
            if option.name == "--no-check-certificate":
                why = "wget --no-check-certificate accepts any certificate"
                return command.word_span(option.index), why
    if program == "apk":
        for option in command.options():
            if option.name == "--no-check-certificate":
                why = "apk --no-check-certificate accepts any certificate"
                return command.word_span(option.index), why
    invocation = parse_invocation(texts)
    if invocation is not None and invocation.manager == "pip":
        for pip_option in invocation.options:
            if pip_option.name == "--trusted-host":
                return argv[pip_option.index].span, "pip --trusted-host skips certificate checks"
        if "global.trusted-host" in lowered:
            return command.span, "pip config trusted-host skips certificate checks"
    if program in ("npm", "yarn", "pnpm"):
        for index, text in enumerate(lowered):
            key, _eq, value = text.lstrip("-").partition("=")
            if key in ("strict-ssl", "enablestrictssl"):
                following = value or (lowered[index + 1] if index + 1 < len(lowered) else "")
                if following in _FALSE:
                    return argv[index].span, f"{program} strict-ssl false accepts any certificate"
    if program == "git":
        for index, text in enumerate(lowered):
            key, _eq, value = text.partition("=")
            if key == "http.sslverify":
                following = value or (lowered[index + 1] if index + 1 < len(lowered) else "")
                if following in _FALSE:
                    return argv[index].span, "git http.sslVerify false skips certificate checks"
    if program in ("yum", "dnf", "microdnf", "tdnf", "yum-config-manager"):
        for index, text in enumerate(lowered):
            if "sslverify=" in text and text.rsplit("=", 1)[1] in _FALSE:
                return argv[index].span, f"{program} sslverify=0 skips certificate checks"
    return None


def _key_value_tls(pairs: Sequence[KeyValue]) -> Iterator[tuple[Span, str]]:
    for pair in pairs:
        if pair.value is None:
            continue
        why = _env_disables_tls(pair.key, pair.value)
        if why is not None:
            yield pair.span, why


class TlsVerificationDisabled(InstructionRule):
    code = "DF404"
    name = "tls-verification-disabled"
    tags = ("security",)
    severity = Severity.ERROR
    summary = "A download or package tool is told to skip certificate checks"
    description = (
        "Without certificate checks anyone on the network path (a proxy, a hijacked mirror) can "
        "serve a different file, and the build installs it. Reported: `curl -k`, `wget "
        "--no-check-certificate`, `pip --trusted-host`, npm/yarn `strict-ssl false`, git "
        "`http.sslVerify false`, yum/dnf `sslverify=0`, and ENV/ARG/inline settings "
        "`GIT_SSL_NO_VERIFY`, `NODE_TLS_REJECT_UNAUTHORIZED=0`, `PYTHONHTTPSVERIFY=0`, "
        "`NPM_CONFIG_STRICT_SSL=false`, `PIP_TRUSTED_HOST`, `GOINSECURE`. Install the CA the "
        "proxy uses instead (`COPY ca.crt /usr/local/share/ca-certificates/` and "
        "`update-ca-certificates`)."
    )
    bad = "FROM debian:12\nRUN curl -fsSLk -o /tmp/tool https://example.com/tool\n"
    good = "FROM debian:12\nRUN curl -fsSL -o /tmp/tool https://example.com/tool\n"
    keywords = frozenset({"ENV", "ARG", "RUN"})
    onbuild = True
    aliases = (
        "CKV2_DOCKER_2",
        "CKV2_DOCKER_3",
        "CKV2_DOCKER_4",
        "CKV2_DOCKER_5",
        "CKV2_DOCKER_6",
        "CKV2_DOCKER_12",
        "CKV2_DOCKER_13",
        "CKV2_DOCKER_14",
        "CKV2_DOCKER_15",
        "CKV2_DOCKER_16",
    )

    def check(self, instruction: Instruction, context: DockerfileContext) -> Iterator[Diagnostic]:
        if instruction.keyword != "RUN":
            for span, why in _key_value_tls(instruction.key_values):
                yield self.report(context.path, span, f"{why}; install the CA instead.")
            return
        if context.stage_of(instruction) is None:
            return
        for command in commands(context, instruction):
            for name, value in command.env:
                reason = _env_disables_tls(name, value)
                if reason is not None:
                    yield self.report(
                        context.path, command.span, f"{reason}; install the CA instead."
                    )
            if command.program in ("export", "declare"):
                for word in command.args:
                    name, eq, value = word.text.partition("=")
                    exported = _env_disables_tls(name, value) if eq else None
                    if exported is not None:
                        yield self.report(
                            context.path, word.span, f"{exported}; install the CA instead."
                        )
                continue
            program, start = command.program, command.start
            if program is None:
                continue
            found_tls = _tls_off_in_command(command, start)
            if found_tls is not None:
                span, why = found_tls
                yield self.report(context.path, span, f"{why}; install the CA instead.")


# ---------------------------------------------------------------------------------------------
# unsigned packages

_APT_UNSIGNED = {
    "--allow-unauthenticated": "installs packages whose signature is missing or wrong",
    "--allow-insecure-repositories": "accepts unsigned repositories",
    "--force-yes": "accepts unauthenticated and downgraded packages",
}
_APT_UNSIGNED_CONFIG = (
    "apt::get::allowunauthenticated=",
    "acquire::allowinsecurerepositories=",
    "apt::get::allow-unauthenticated=",
)
_RPM_UNSIGNED = frozenset({"--nosignature", "--nodigest", "--nofiledigest", "--noverify"})


def _local_package(text: str, downloaded: frozenset[str]) -> bool:
    """A package file built or copied into the image itself: nothing is downloaded unsigned.

    A file the same RUN downloaded (``wget .../glibc-2.35-r1.apk && apk add glibc-*.apk``)
    is not local: nothing checked what arrived.
    """
    if "://" in text:
        return False
    name = posixpath.basename(text)
    if any(fnmatch.fnmatchcase(file, name) for file in downloaded):
        return False
    return text.startswith(("/", "./", "../", "$")) or text.endswith(".apk")


# apk subcommands that install nothing (``apk index --allow-untrusted`` builds an index).
_APK_NO_INSTALL = frozenset(
    {
        "index",
        "verify",
        "fetch",
        "info",
        "search",
        "list",
        "dot",
        "policy",
        "stats",
        "audit",
        "manifest",
        "update",
        "cache",
    }
)


def downloaded_files(commands: Sequence[Command]) -> frozenset[str]:
    """Base names of the files that curl/wget commands of one RUN write."""
    found: set[str] = set()
    for command in commands:
        program, start = command.program, command.start
        if program not in ("curl", "wget"):
            continue
        for option in command.options():
            if (
                option.name in ("-o", "--output", "-O", "--output-document")
                and option.value
                and option.value != "-"
            ):
                found.add(posixpath.basename(option.value))
        for word in command.argv[start + 1 :]:
            if "://" in word.text:
                found.add(posixpath.basename(word.text.split("?", 1)[0].split("#", 1)[0]))
    return frozenset(name for name in found if name)


def _unsigned(
    command: Command, start: int, downloaded: frozenset[str] = frozenset()
) -> tuple[Span, str] | None:
    argv = command.argv[start:]
    texts = [word.text for word in argv]
    program = basename(texts[0])
    lowered = [text.lower() for text in texts]
    if program in ("apt-get", "apt", "aptitude"):
        for index, text in enumerate(lowered):
            if text in _APT_UNSIGNED:
                return argv[index].span, f"{program} {text} {_APT_UNSIGNED[text]}"
            if text.startswith(_APT_UNSIGNED_CONFIG) and text.rsplit("=", 1)[1] in (
                "1",
                "true",
                "yes",
            ):
                return argv[index].span, f"{program} {texts[index]} accepts unsigned packages"
    if program in ("yum", "dnf", "microdnf", "tdnf", "yum-config-manager"):
        for index, text in enumerate(lowered):
            if text == "--nogpgcheck" or (
                text.startswith("--setopt=")
                and "gpgcheck=" in text
                and text.rsplit("=", 1)[1] in _FALSE
            ):
                return argv[index].span, f"{program} {texts[index]} skips signature checks"
    if program == "zypper":
        for index, text in enumerate(lowered):
            if text in ("--no-gpg-checks", "--no-gpg-check"):
                return argv[index].span, "zypper --no-gpg-checks skips signature checks"
    if program == "rpm":
        for index, text in enumerate(lowered):
            if text in _RPM_UNSIGNED:
                return argv[index].span, f"rpm {text} skips package verification"
    if program == "apk":
        words = [text for text in texts[1:] if not text.startswith("-")]
        if words and words[0] in _APK_NO_INSTALL:
            return None
        packages = [text for text in words if text != "add"]
        local = bool(packages) and all(_local_package(text, downloaded) for text in packages)
        for index, text in enumerate(lowered):
            if text == "--allow-untrusted" and not local:
                return argv[index].span, "apk --allow-untrusted installs unsigned packages"
    if program in ("echo", "printf", "tee"):
        for index, text in enumerate(lowered):
            local_source = "file:" in text or "copy:" in text
            if ("[trusted=yes" in text or " trusted=yes" in text) and not local_source:
                return argv[index].span, "an apt source marked trusted=yes skips signature checks"
    return None


class UnsignedPackages(RunCommandRule):
    code = "DF405"
    name = "unsigned-packages"
    tags = ("security",)
    severity = Severity.ERROR
    summary = "A package manager is told to install unsigned packages"
    description = (
        "Package signatures are what make a mirror or proxy unable to slip in a modified "
        "package. Reported: apt-get `--allow-unauthenticated`, `--allow-insecure-repositories`, "
        "`--force-yes` (and their `-o APT::...` forms), apt sources written with "
        "`[trusted=yes]`, yum/dnf/microdnf/tdnf `--nogpgcheck` or `gpgcheck=0`, zypper "
        "`--no-gpg-checks`, rpm `--nosignature`/`--nodigest`, apk `--allow-untrusted`. Import "
        "the repository's key instead. A package file built or copied into the image is "
        "local and not reported; one the same RUN downloaded is (`wget .../glibc.apk && apk "
        "add --allow-untrusted glibc.apk`): check its checksum or signature first. "
        "`apk index --allow-untrusted` installs nothing and is not reported."
    )
    bad = "FROM debian:12\nRUN apt-get update && apt-get install -y --allow-unauthenticated curl\n"
    good = "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n"
    aliases = (
        "CKV2_DOCKER_7",
        "CKV2_DOCKER_8",
        "CKV2_DOCKER_9",
        "CKV2_DOCKER_10",
        "CKV2_DOCKER_11",
    )

    def check(self, command: Command, context: DockerfileContext) -> Iterator[Diagnostic]:
        program = command.program
        if program is None:
            return
        downloaded: frozenset[str] = frozenset()
        if program == "apk" and any(word.text == "--allow-untrusted" for word in command.argv):
            downloaded = downloaded_files(context.script_of(command).commands)
        result = _unsigned(command, command.start, downloaded)
        if result is not None:
            span, why = result
            yield self.report(
                context.path, span, f"{why}; import the repository's signing key instead."
            )


# ---------------------------------------------------------------------------------------------
# passwords set in RUN


# ``-p`` values that lock the account or say nothing: no password is written.
_NO_PASSWORD = (None, "*", "!", "!!", "x")


class PasswordInRun(RunCommandRule):
    code = "DF406"
    name = "password-set-in-run"
    tags = ("security",)
    severity = Severity.WARNING
    summary = "RUN sets a password with chpasswd, passwd --stdin or useradd -p"
    description = (
        "The command line of every RUN is kept in the image history (`docker history`), so a "
        "password written there, or passed through an ARG, is readable by anyone who can pull "
        "the image; a password login in a container is rarely needed at all. Use key-based "
        "access, a secret mount (`RUN --mount=type=secret`) or set it at run time. Locking or "
        "deleting a password (`passwd -l`, `passwd -d`) is fine."
    )
    bad = "FROM debian:12\nRUN useradd -m app && echo 'app:s3cret' | chpasswd\n"
    good = "FROM debian:12\nRUN useradd -m app && passwd -l app\n"
    aliases = ("CKV2_DOCKER_17",)

    def check(self, command: Command, context: DockerfileContext) -> Iterator[Diagnostic]:
        program = command.program
        if program == "chpasswd":
            yield self.report(
                context.path,
                command.word_span(command.start),
                "chpasswd puts a password in the image history; use keys or set it at run time.",
            )
        elif program == "passwd" and command.has_option("--stdin"):
            yield self.report(
                context.path,
                command.word_span(command.start),
                "passwd --stdin puts a password in the image history.",
            )
        elif program in ("useradd", "usermod"):
            for option in command.options():
                if option.name in ("-p", "--password") and option.value not in _NO_PASSWORD:
                    yield self.report(
                        context.path,
                        command.word_span(option.index),
                        f"{program} {option.name} puts a password hash in the image history.",
                    )


# ---------------------------------------------------------------------------------------------
# WORKDIR in system directories

_SYSTEM_DIRS = ("/proc", "/sys", "/dev", "/boot", "/initrd", "/lost+found")


class SensitiveWorkdir(Rule):
    code = "DF407"
    name = "system-workdir"
    tags = ("security", "reliability")
    severity = Severity.WARNING
    summary = "WORKDIR points into a kernel or boot directory"
    description = (
        "`/proc`, `/sys` and `/dev` are replaced by the kernel's file systems when a container "
        "starts, and `/boot`, `/initrd`, `/lost+found` belong to the host's boot process: files "
        "written there at build time disappear or touch what they should not. Use a directory "
        "of your own such as `/app`."
    )
    bad = "FROM debian:12\nWORKDIR /proc/app\n"
    good = "FROM debian:12\nWORKDIR /app\n"
    target = Target.DOCKERFILE
    aliases = ("DS-0030",)

    def check(self, context: DockerfileContext) -> Iterator[Diagnostic]:
        for instruction in context.dockerfile.instructions:
            if instruction.keyword != "WORKDIR" or not instruction.words:
                continue
            path = strip_quotes(instruction.arguments.strip())
            if not path.startswith("/"):
                continue
            normal = posixpath.normpath(path)
            hit = next((d for d in _SYSTEM_DIRS if normal == d or normal.startswith(d + "/")), None)
            if hit is not None:
                yield self.report(
                    context.path,
                    instruction.arguments_span or instruction.span,
                    f"WORKDIR {path} is inside {hit}, a system directory; use a "
                    "directory of your own such as /app.",
                )


# ---------------------------------------------------------------------------------------------
# curl | sh

_SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ash", "ksh", "mksh", "busybox"})
_INTERPRETERS = frozenset({"python", "python2", "python3", "perl", "ruby", "node", "php"})


def _writes_stdout(command: Command, start: int) -> bool:
    """A curl/wget that sends the download to standard output."""
    program = basename(command.argv[start].text)
    if program == "curl":
        return not command.has_option(
            "-o", "--output", "-O", "--remote-name", "--remote-name-all", "--output-dir"
        )
    if program == "wget":
        value = command.option_value("-O", "--output-document")
        return value == "-"
    return False


def _runs_stdin(command: Command) -> str | None:
    """The interpreter's name when it executes the script read from standard input."""
    program, start = command.program, command.start
    if program is None:
        return None
    interpreter = program in _INTERPRETERS or program.startswith("python3.")
    if program not in _SHELLS and not interpreter:
        return None
    words = command.argv[start + 1 :]
    for word in words:
        text = word.text
        if text in ("-c", "-e", "-m", "--command") or (
            text.startswith("-")
            and not text.startswith("--")
            and "c" in text[1:]
            and program in _SHELLS
        ):
            return None
        if text == "-s" and program in _SHELLS:
            return program
        if text == "-" or text == "--":
            return program
        if not text.startswith("-"):
            return None  # a script file: standard input is only data
    return program


_FETCH_IN_WORD = ("$(curl", "$(wget", "<(curl", "<(wget", "`curl", "`wget")


class DownloadPipedToShell(RunCommandRule):
    code = "DF408"
    name = "download-piped-to-shell"
    tags = ("security", "shell")
    severity = Severity.WARNING
    summary = "A script is downloaded and run in one go (curl | sh)"
    description = (
        '`curl url | sh`, `wget -qO- url | bash` or `sh -c "$(curl url)"` run whatever the '
        "server sends at that moment, unreviewed and unverified; a truncated download even "
        "runs half a script. Download to a file, check its checksum (`sha256sum -c`), then run "
        "it, or install the tool from a signed package."
    )
    bad = "FROM debian:12\nRUN curl -fsSL https://example.com/install.sh | sh\n"
    good = (
        "FROM debian:12\nRUN curl -fsSLo /tmp/install.sh https://example.com/install.sh \\\n"
        ' && echo "3b1f0e4c9a0c7d2a5e6f8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e  '
        '/tmp/install.sh" | sha256sum -c - \\\n && sh /tmp/install.sh\n'
    )

    def check(self, command: Command, context: DockerfileContext) -> Iterator[Diagnostic]:
        commands = context.script_of(command).commands
        program, start = command.program, command.start
        if program is None:
            return
        if program in _SHELLS or program in _INTERPRETERS:
            for word in command.argv[start + 1 :]:
                if any(marker in word.raw for marker in _FETCH_IN_WORD):
                    yield self.report(
                        context.path,
                        command.span,
                        f"{program} runs a script straight from a download; "
                        "download it, verify its checksum, then run it.",
                    )
                    return
        if program not in ("curl", "wget") or command.pipeline is None:
            return
        if not _writes_stdout(command, start):
            return
        position, length = command.pipeline
        index = commands.index(command)
        for later in commands[index + 1 : index + length - position]:
            if later.pipeline is None:
                break
            runner = _runs_stdin(later)
            if runner is not None:
                yield self.report(
                    context.path,
                    Span(command.span.start, later.span.end),
                    f"The output of {program} is run by {runner} unverified; "
                    "download to a file, check its checksum, then run it.",
                )
                return


# ---------------------------------------------------------------------------------------------
# ADD <url> without --checksum


def _is_git(source: str) -> bool:
    base = source.split("#", 1)[0]
    return base.endswith(".git") or source.startswith("git@")


class AddUrlWithoutChecksum(Rule):
    code = "DF409"
    name = "add-url-without-checksum"
    tags = ("security", "pinning")
    severity = Severity.WARNING
    summary = "ADD downloads a URL without --checksum"
    description = (
        "`ADD https://...` fetches whatever the server returns at build time; if the file "
        "changes or is tampered with, the image changes silently. `ADD --checksum=sha256:<hex> "
        "<url> <dest>` (Dockerfile syntax 1.6 and later) fails the build instead. Git sources "
        "are pinned by commit instead and are not reported."
    )
    bad = "FROM debian:12\nADD https://example.com/tool.tar.gz /opt/\n"
    good = (
        "FROM debian:12\nADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd86"
        "9a9b2945d1036d1dc68d https://example.com/tool.tar.gz /opt/\n"
    )
    target = Target.DOCKERFILE

    def check(self, context: DockerfileContext) -> Iterator[Diagnostic]:
        for instruction in context.dockerfile.instructions:
            inner = instruction.onbuild or instruction
            if inner.keyword != "ADD" or inner.flag("checksum") is not None:
                continue
            words = inner.words
            if inner.json_args is not None or len(words) < 2:
                continue
            for word in words[:-1]:
                source = strip_quotes(word.text)
                if source.startswith(("http://", "https://")) and not _is_git(source):
                    yield self.report(
                        context.path,
                        word.span,
                        "ADD of a URL without --checksum: pin the file with "
                        "--checksum=sha256:<digest>.",
                    )


RULES = (
    RootUser,
    NoUser,
    SudoInRun,
    SshPortExposed,
    TlsVerificationDisabled,
    UnsignedPackages,
    PasswordInRun,
    SensitiveWorkdir,
    DownloadPipedToShell,
    AddUrlWithoutChecksum,
)
