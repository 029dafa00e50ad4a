"""Flags BuildKit rejects: one DF011 at the flag, and no other rule reads the instruction."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from linter import engine
from linter.dockerfile.flags import flag_problems
from linter.dockerfile.parser import parse_dockerfile, readable_view

BROKEN_COPY = (
    "FROM golang:1.22 AS build\n"
    "WORKDIR /src\n"
    "COPY go.mod go.sum ./\n"
    "RUN go build -o /out/app ./cmd/app\n"
    "FROM alpine:3.20\n"
    "COPY --from build /out/app /usr/local/bin/app\n"
    "USER 10001\n"
    'ENTRYPOINT ["/usr/local/bin/app"]\n'
)


def test_installed_command_reports_only_the_flag(tmp_path: Path) -> None:
    """Read as two sources, the COPY would also trip DF556 (several sources, no slash)."""
    (tmp_path / "Dockerfile").write_text(BROKEN_COPY, encoding="utf-8")
    done = subprocess.run(
        ["shiplint", "check", "--no-config", "--format", "json", "Dockerfile"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    found = [(d["code"], d["line"], d["column"]) for d in json.loads(done.stdout)]
    assert ("DF011", 6, 6) in found
    assert [f for f in found if f[1] == 6 and f[0] != "DF011"] == []


def test_readable_view_drops_only_rejected_instructions() -> None:
    dockerfile = parse_dockerfile(BROKEN_COPY)
    view = readable_view(dockerfile)
    assert len(view.instructions) == len(dockerfile.instructions) - 1
    assert [i.line for i in view.stages[1].instructions] == [7, 8]
    clean = parse_dockerfile(BROKEN_COPY.replace("--from build", "--from=build"))
    assert readable_view(clean) is clean


def test_rejected_flag_of_from_keeps_the_stage() -> None:
    dockerfile = parse_dockerfile("FROM --platfrom=linux/amd64 alpine:3.20\nRUN true\n")
    assert [e.kind for e in dockerfile.errors] == ["flag"]
    view = readable_view(dockerfile)
    assert view.stages[0].from_instruction in view.instructions


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("COPY --chmod=755 a /a", None),
        ("COPY --chmod=u+x,g-w a /a", None),
        ("COPY --chmod=a=rX a /a", None),
        ("COPY --chmod=+x a /a", None),
        ("COPY --chmod=10000 a /a", "between 0 and 07777"),
        ("COPY --chmod=u+q a /a", "invalid chmod"),
        ("COPY --link --link=TRUE a /a", "duplicate flag"),
        ("COPY --link= a /a", "missing a value on flag: --link"),
        ("COPY --exclude=*.md --exclude=*.txt . /a", None),
        ("RUN --mount=type=cache,target=/x --mount=type=tmpfs,target=/t,size=1g true", None),
        ("RUN --mount=type=$KIND,target=/x true", None),
        ("RUN --mount=target=/x,ro,required true", "unexpected key 'required'"),
        ("RUN --mount=type=tmpfs,target=/t,size=lots true", "invalid value for size"),
        ("RUN --mount=type=cache,target=/x,sharing=open true", "unsupported sharing value"),
        ("RUN --mount=type=cache,target=/x,mode=0o755 true", "invalid value 0o755 for mode"),
        ("RUN --mount=type=secret,id=x,readonly=maybe true", "invalid value for readonly"),
        ("RUN --mount=type=bind,target=/x,readonly true", None),
        ('RUN --mount=type=bind,target "/x" true', "must be a key=value pair"),
        ("RUN --mount=type=bind,from=$STAGE/x,target=/x true", "variable expansion"),
        ("RUN --network=$NET true", None),
        ("RUN --security=privileged true", "security 'privileged' is not valid"),
        ("HEALTHCHECK --interval=5s NONE", None),
        ("CMD --help", "CMD takes no flags"),
    ],
)
def test_flag_values(line: str, problem: str | None) -> None:
    dockerfile = parse_dockerfile(f"FROM alpine:3.20\n{line}\n")
    instruction = dockerfile.instructions[1]
    found = flag_problems(instruction.keyword, instruction.flags, instruction.words)
    if problem is None:
        assert found == []
    else:
        assert found and problem in found[0][0], found


def test_language_server_path_reports_flags_and_skips_the_instruction(tmp_path: Path) -> None:
    text = (
        "FROM golang:1.22 AS build\nRUN go build -o /out/app .\nFROM alpine:3.20\n"
        "COPY --from build /out/app /usr/local/bin/app\nUSER 65534\n"
        'ENTRYPOINT ["/usr/local/bin/app"]\n'
    )
    settings = engine.Settings(cwd=str(tmp_path), config_root=str(tmp_path))
    result = engine.lint_source(text, str(tmp_path / "Dockerfile"), settings, kind="dockerfile")
    on_line_4 = sorted(d.code for d in result.diagnostics if d.span.start.line == 4)
    assert on_line_4 == ["DF011"]
