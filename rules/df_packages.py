"""Package-manager best practice in RUN: non-interactive installs, no recommends, no `apt`.

A build has no terminal: a package manager that stops to ask a question aborts the build,
sometimes only when a dependency changes upstream. These rules look at each parsed command.
"""

from __future__ import annotations

from collections.abc import Iterator

from linter import (
    Applicability,
    Diagnostic,
    DockerfileContext,
    Fix,
    Fixable,
    RunCommandRule,
    Severity,
    Span,
    Target,
)
from linter.dockerfile.shell import Command

from ._dockerfile_words import stage_chain
from ._packages import Invocation, parse_invocation
from ._runs import commands, piped_from, run_instructions


def _command_span(command: Command, invocation: Invocation) -> Span:
    return Span(command.word_span(invocation.program_index).start, command.span.end)


def _action_span(command: Command, invocation: Invocation) -> Span:
    if invocation.action_index is None:
        return command.word_span(invocation.program_index)
    start = command.word_span(invocation.program_index).start
    return Span(start, command.word_span(invocation.action_index).end)


class _PackageRule(RunCommandRule):
    """A rule about one package-manager command: ``applies`` to it, and it is ``fine`` or not."""

    def applies(self, invocation: Invocation) -> bool:
        raise NotImplementedError

    def fine(self, command: Command, invocation: Invocation, feeder: Command | None) -> bool:
        raise NotImplementedError

    def message(self, invocation: Invocation) -> str:
        raise NotImplementedError

    def fix(self, command: Command, invocation: Invocation) -> Fix | None:
        return None

    def check(self, command: Command, context: DockerfileContext) -> Iterator[Diagnostic]:
        invocation = parse_invocation(command.texts)
        if invocation is None or not self.applies(invocation):
            return
        if not self.fine(command, invocation, piped_from(context, command)):
            yield self.report(
                context.path,
                _action_span(command, invocation),
                self.message(invocation),
                self.fix(command, invocation),
            )


def _piped_from_yes(feeder: Command | None) -> bool:
    return feeder is not None and feeder.program == "yes"


# apt-get and apt share options and actions: the same checks apply to both.
_APT = frozenset({"apt-get", "apt"})
_APT_PROMPTING = {
    "install",
    "upgrade",
    "dist-upgrade",
    "remove",
    "purge",
    "autoremove",
    "build-dep",
    "satisfy",
}


class AptGetMissingYes(_PackageRule):
    code = "DF520"
    name = "apt-get-missing-yes"
    tags = ("reliability", "best-practice")
    severity = Severity.WARNING
    summary = "apt-get install without -y"
    description = (
        "Without `-y` apt-get asks for confirmation whenever it wants to install more than the "
        "packages named (dependencies, upgrades); with no terminal the answer is 'no' and the "
        "build aborts, so a build that works today breaks when a dependency appears upstream. "
        "`-y`, `--yes`, `--assume-yes`, `-qq` and `-o APT::Get::Assume-Yes=true` all answer "
        "yes. Also checked for upgrade, dist-upgrade, remove, purge and autoremove."
    )
    bad = (
        "FROM debian:12\nRUN apt-get update && apt-get install curl \\\n"
        " && rm -rf /var/lib/apt/lists/*\n"
    )
    good = (
        "FROM debian:12\nRUN apt-get update && apt-get install -y curl \\\n"
        " && rm -rf /var/lib/apt/lists/*\n"
    )
    fixable = Fixable.SOMETIMES
    aliases = ("DL3014", "DS-0021")

    def applies(self, invocation: Invocation) -> bool:
        # ``apt install`` asks the same questions (DF522 also says to use apt-get).
        return invocation.manager in _APT and invocation.action in _APT_PROMPTING

    def fine(self, command: Command, invocation: Invocation, feeder: Command | None) -> bool:
        if invocation.has("-y", "--yes", "--assume-yes", "--force-yes"):
            return True
        if invocation.has("-s", "--simulate", "--just-print", "--dry-run", "--recon", "--no-act"):
            return True  # a simulation changes nothing and never asks (postgres image)
        if invocation.count("-q", "--quiet") >= 2 or any(
            option.name in {"-q", "--quiet"} and option.value == "2"
            for option in invocation.options
        ):
            return True
        for option in invocation.options:
            if option.name in {"-o", "--option"} and option.value is not None:
                key, _, value = option.value.partition("=")
                if key.lower() == "apt::get::assume-yes" and value.lower() in {"1", "true", "yes"}:
                    return True
        return _piped_from_yes(feeder)

    def message(self, invocation: Invocation) -> str:
        return (
            f"`{invocation.manager} {invocation.action_word}` without -y aborts the build "
            "whenever apt "
            "wants to confirm; add -y."
        )

    def fix(self, command: Command, invocation: Invocation) -> Fix | None:
        if invocation.action_index is None:
            return None
        return Fix(
            "Add -y", (command.insert_after(invocation.action_index, "-y"),), Applicability.SAFE
        )


class AptNoInstallRecommends(_PackageRule):
    code = "DF521"
    name = "apt-install-recommends"
    tags = ("layer-bloat", "best-practice")
    severity = Severity.INFO
    summary = "apt-get install without --no-install-recommends"
    description = (
        "By default apt installs every 'recommended' package too, often doubling what the layer "
        "adds (documentation tools, X libraries, compilers). Pass `--no-install-recommends` "
        "and name what you need. Also satisfied by `-o APT::Install-Recommends=false`, or by an "
        'apt configuration with `APT::Install-Recommends "false"` written earlier in the '
        "stage, as many devcontainer images do."
    )
    bad = (
        "FROM debian:12\nRUN apt-get update && apt-get install -y curl \\\n"
        " && rm -rf /var/lib/apt/lists/*\n"
    )
    good = (
        "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl"
        " \\\n && rm -rf /var/lib/apt/lists/*\n"
    )
    fixable = Fixable.SOMETIMES
    aliases = ("DL3015", "DS-0029")

    def applies(self, invocation: Invocation) -> bool:
        return invocation.manager in _APT and invocation.action == "install"

    def fine(self, command: Command, invocation: Invocation, feeder: Command | None) -> bool:
        if invocation.has("--no-install-recommends"):
            return True
        for option in invocation.options:
            if option.name in {"-o", "--option"} and option.value is not None:
                key, _, value = option.value.partition("=")
                if key.lower() == "apt::install-recommends" and value.strip("\"'").lower() in {
                    "0",
                    "false",
                    "no",
                }:
                    return True
        return any(
            operand.text == "APT::Install-Recommends=false" for operand in invocation.operands
        )

    def message(self, invocation: Invocation) -> str:
        return (
            f"`{invocation.manager} install` without --no-install-recommends adds every "
            "recommended package to this layer; add --no-install-recommends."
        )

    def fix(self, command: Command, invocation: Invocation) -> Fix | None:
        if invocation.action_index is None:
            return None
        edit = command.insert_after(invocation.action_index, "--no-install-recommends")
        return Fix("Add --no-install-recommends", (edit,), Applicability.SAFE)

    target = Target.DOCKERFILE  # an apt config RUN turns recommends off for later stages

    def check(self, context: DockerfileContext) -> Iterator[Diagnostic]:  # type: ignore[override]
        configured: set[int] = set()  # stages whose apt config turns recommends off
        for stage in context.dockerfile.stages:
            for instruction in run_instructions(stage):
                for command in commands(context, instruction):
                    invocation = parse_invocation(command.texts)
                    if invocation is not None and self.applies(invocation):
                        inherited = {s.index for s in stage_chain(context.dockerfile, stage)}
                        if not (inherited & configured) and not self.fine(
                            command, invocation, piped_from(context, command)
                        ):
                            yield self.report(
                                context.path,
                                _action_span(command, invocation),
                                self.message(invocation),
                                self.fix(command, invocation),
                            )
                    if invocation is None and any(
                        "Install-Recommends" in word and ("false" in word.lower() or '"0"' in word)
                        for word in command.texts
                    ):
                        configured.add(stage.index)


class AptInScripts(_PackageRule):
    code = "DF522"
    name = "apt-in-dockerfile"
    tags = ("reliability", "best-practice")
    severity = Severity.WARNING
    summary = "apt used instead of apt-get"
    description = (
        "`apt` is the interactive front end: its output and command-line interface are not "
        "stable and it warns so when used in scripts. Use `apt-get` (or `apt-cache`) in "
        "Dockerfiles."
    )
    bad = "FROM debian:12\nRUN apt update && apt install -y curl && rm -rf /var/lib/apt/lists/*\n"
    good = (
        "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl"
        " \\\n && rm -rf /var/lib/apt/lists/*\n"
    )
    aliases = ("DL3027", "CKV_DOCKER_9")

    def applies(self, invocation: Invocation) -> bool:
        return invocation.manager == "apt"

    def fine(self, command: Command, invocation: Invocation, feeder: Command | None) -> bool:
        return False

    def message(self, invocation: Invocation) -> str:
        return "`apt` has no stable command-line interface for scripts; use `apt-get`."

    def check(self, command: Command, context: DockerfileContext) -> Iterator[Diagnostic]:
        invocation = parse_invocation(command.texts)
        if invocation is not None and self.applies(invocation):
            yield self.report(
                context.path,
                command.word_span(invocation.program_index),
                self.message(invocation),
            )


_RPM_PROMPTING = {"install", "upgrade", "remove"}


class YumMissingYes(_PackageRule):
    code = "DF523"
    name = "yum-missing-yes"
    tags = ("reliability", "best-practice")
    severity = Severity.WARNING
    summary = "yum install without -y"
    description = (
        "yum asks for confirmation before installing, upgrading or removing; with no terminal "
        "the build aborts. Pass `-y` (`--assumeyes`)."
    )
    bad = "FROM centos:7\nRUN yum install httpd-2.4.6 && yum clean all\n"
    good = "FROM centos:7\nRUN yum install -y httpd-2.4.6 && yum clean all\n"
    aliases = ("DL3030",)
    manager = "yum"

    def applies(self, invocation: Invocation) -> bool:
        return invocation.manager == self.manager and invocation.action in _RPM_PROMPTING

    def fine(self, command: Command, invocation: Invocation, feeder: Command | None) -> bool:
        return invocation.has("-y", "--assumeyes") or _piped_from_yes(feeder)

    def message(self, invocation: Invocation) -> str:
        return (
            f"`{invocation.manager} {invocation.action_word}` without -y aborts the build "
            "at its confirmation prompt; add -y."
        )

    def fix(self, command: Command, invocation: Invocation) -> Fix | None:
        if invocation.action_index is None:
            return None
        return Fix(
            "Add -y", (command.insert_after(invocation.action_index, "-y"),), Applicability.SAFE
        )


class DnfMissingYes(YumMissingYes):
    code = "DF524"
    name = "dnf-missing-yes"
    summary = "dnf install without -y"
    description = (
        "dnf asks for confirmation before installing, upgrading or removing; with no terminal "
        "the build aborts. Pass `-y` (`--assumeyes`). microdnf never prompts, so it is not "
        "checked (hadolint's DL3038 also flags microdnf)."
    )
    bad = "FROM fedora:40\nRUN dnf install httpd-2.4.62 && dnf clean all\n"
    good = "FROM fedora:40\nRUN dnf install -y httpd-2.4.62 && dnf clean all\n"
    aliases = ("DL3038",)
    manager = "dnf"


_ZYPPER_PROMPTING = {"install", "remove", "upgrade", "dist-upgrade"}


class ZypperNonInteractive(_PackageRule):
    code = "DF525"
    name = "zypper-interactive"
    tags = ("reliability", "best-practice")
    severity = Severity.WARNING
    summary = "zypper install without -n / -y"
    description = (
        "zypper asks for confirmation before changing packages; with no terminal the build "
        "aborts. Use the global `-n` (`--non-interactive`) or `-y` (`--no-confirm`)."
    )
    bad = "FROM opensuse/leap:15.6\nRUN zypper install curl=8.6.0 && zypper clean --all\n"
    good = "FROM opensuse/leap:15.6\nRUN zypper -n install curl=8.6.0 && zypper clean --all\n"
    aliases = ("DL3034",)
    fixable = Fixable.SOMETIMES

    def applies(self, invocation: Invocation) -> bool:
        return invocation.manager == "zypper" and invocation.action in _ZYPPER_PROMPTING

    def fine(self, command: Command, invocation: Invocation, feeder: Command | None) -> bool:
        return invocation.has("-n", "--non-interactive", "-y", "--no-confirm") or _piped_from_yes(
            command
        )

    def message(self, invocation: Invocation) -> str:
        return (
            f"`zypper {invocation.action_word}` without -n/-y aborts the build at its "
            "confirmation prompt; add -y."
        )

    def fix(self, command: Command, invocation: Invocation) -> Fix | None:
        if invocation.action_index is None:
            return None
        return Fix(
            "Add -y", (command.insert_after(invocation.action_index, "-y"),), Applicability.SAFE
        )


class ZypperDistUpgrade(_PackageRule):
    code = "DF526"
    name = "zypper-dist-upgrade"
    tags = ("reliability", "best-practice")
    severity = Severity.WARNING
    summary = "zypper dist-upgrade in a Dockerfile"
    description = (
        "`zypper dist-upgrade` (`dup`) moves the whole system to whatever the repositories hold "
        "today, possibly a new distribution release: the image stops matching its base and "
        "builds stop being repeatable. Pick a newer base image instead; use `zypper patch` for "
        "security fixes."
    )
    bad = "FROM opensuse/leap:15.6\nRUN zypper -n dist-upgrade && zypper clean --all\n"
    good = "FROM opensuse/leap:15.6\nRUN zypper -n patch && zypper clean --all\n"
    aliases = ("DL3035",)

    def applies(self, invocation: Invocation) -> bool:
        return invocation.manager == "zypper" and invocation.action == "dist-upgrade"

    def fine(self, command: Command, invocation: Invocation, feeder: Command | None) -> bool:
        return False

    def message(self, invocation: Invocation) -> str:
        return (
            "`zypper dist-upgrade` upgrades the image to whatever the repositories hold "
            "today; use a newer base image or `zypper patch`."
        )


RULES = (
    AptGetMissingYes,
    AptNoInstallRecommends,
    AptInScripts,
    YumMissingYes,
    DnfMissingYes,
    ZypperNonInteractive,
    ZypperDistUpgrade,
)
