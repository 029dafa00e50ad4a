"""Our Dockerfile parser against BuildKit's own (the PyPI ``dockerfile`` package wraps it).

For every Dockerfile text in the fixtures and for a list of tricky samples, both parsers must
find the same instructions (keyword) on the same line ranges. Texts the oracle rejects are
skipped; the few places where we knowingly differ are documented in ``KNOWN_DIFFERENCES``.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path

import pytest
import yaml

from linter.dockerfile.parser import parse_dockerfile

dockerfile_oracle = pytest.importorskip("dockerfile")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
DOCKERFILE_NAMES = (
    "Dockerfile",
    "Containerfile",
    "*.Dockerfile",
    "Dockerfile.*",
    "*.containerfile",
)


def _is_dockerfile_name(name: str) -> bool:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return any(fnmatch.fnmatchcase(base, pattern) for pattern in DOCKERFILE_NAMES)


def _fixture_texts() -> list[tuple[str, str]]:
    """(id, text) for every Dockerfile in fixtures/, as a file or inside a fixture YAML."""
    found: list[tuple[str, str]] = []
    if not FIXTURES.is_dir():
        return found
    for path in sorted(FIXTURES.rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(ROOT).as_posix()
        if _is_dockerfile_name(path.name):
            try:
                found.append((relative, path.read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError):
                continue
        elif path.suffix in (".yaml", ".yml"):
            found.extend(_yaml_texts(path, relative))
    return found


def _yaml_texts(path: Path, relative: str) -> list[tuple[str, str]]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return []
    cases = data.get("cases") if isinstance(data, dict) else None
    found: list[tuple[str, str]] = []
    for number, case in enumerate(cases if isinstance(cases, list) else []):
        files = case.get("files") if isinstance(case, dict) else None
        if not isinstance(files, dict):
            continue
        for name, text in files.items():
            if isinstance(name, str) and isinstance(text, str) and _is_dockerfile_name(name):
                label = case.get("name", number)
                found.append((f"{relative}::{label}::{name}", text))
    return found


SAMPLES: dict[str, str] = {
    "escaped escape ends the line": "FROM a\nRUN echo y\\\\\nRUN echo b\n",
    "three escapes end the line": "FROM a\nRUN echo y\\\\\\\nRUN echo b\n",
    "windows path list then blank line": (
        "FROM a\nCOPY x \\\n\tC:\\\\y.dll \\\n\tC:\\\\y\\\\\n\n# c\nENV A 1\n"
    ),
    "simple": 'FROM alpine:3.20\nRUN echo hi\nCMD ["sh"]\n',
    "lowercase": "from alpine\n  run echo hi\nonbuild run echo x\nFROM\talpine\n",
    "crlf": 'FROM alpine\r\nRUN a \\\r\n  b\r\nCMD ["x"]\r\n',
    "bom": "\ufeffFROM alpine\nRUN true\n",
    "continuation-comments": "FROM a\nRUN apk add \\\n# curl is needed\n  curl \\\n  git\nUSER x\n",
    "empty-continuation": "FROM a\nRUN apk add \\\n\n  curl \\\n\n  git\nUSER x\n",
    "trailing-escape-eof": "FROM a\nRUN echo a \\",
    "trailing-escape-eof-newline": "FROM a\nRUN echo a \\\n",
    "trailing-spaces-after-escape": "FROM a\nRUN echo a \\   \n  b\n",
    "escape-backtick": (
        "# escape=`\nFROM mcr.microsoft.com/windows\nRUN dir c:\\ `\n  && echo done\n"
    ),
    "syntax-then-escape": "# syntax=docker/dockerfile:1\n# escape=`\nFROM a\nRUN x `\n y\n",
    "directive-after-comment": "# hello\n# escape=`\nFROM a\nRUN x `\n y\n",
    "heredoc": "FROM a\nRUN <<EOF\napk add curl\necho hello > /x\nEOF\nUSER x\n",
    "heredoc-bash": "FROM a\nRUN <<EOF bash\nset -eux\nRUN inside heredoc\nEOF\n",
    "heredoc-comments": "FROM a\nRUN <<EOF\n#!/bin/sh\n# comment\nEOF\n",
    "heredoc-chomp": "FROM a\nCOPY <<-EOT /app/conf.ini\n\t[MAIN]\n\tKEY = value\n\tEOT\nUSER x\n",
    "heredoc-quoted": "FROM a\nRUN <<'EOF'\necho $HOME\nEOF\nRUN <<\"X\" sh\necho\nX\n",
    "heredoc-two": "FROM a\nRUN <<A cat <<B\nfirst\nA\nsecond\nB\nUSER x\n",
    "heredoc-then-instruction": "FROM a\nRUN <<EOF\necho hi\nEOF\nRUN echo after\n",
    "heredoc-copy-dest": "FROM a\nCOPY <<EOF /etc/x.conf\nline\nEOF\n",
    "heredoc-after-continuation": (
        "FROM a\nRUN --mount=type=cache,target=/c \\\n  <<EOF\necho\nEOF\n"
    ),
    "heredoc-not-for-env": "FROM a\nENV A=<<EOF\nRUN echo\n",
    "heredoc-json-run": 'FROM a\nRUN ["sh", "-c", "cat <<EOF"]\nUSER x\n',
    "heredoc-quoted-word": 'FROM a\nRUN echo "<<EOF"\nUSER x\n',
    "heredoc-onbuild": "FROM a\nONBUILD RUN <<EOF\necho hi\nEOF\nUSER x\n",
    "heredoc-fd": "FROM a\nRUN 3<<EOF cat\nhi\nEOF\n",
    "json-forms": (
        'FROM a\nCMD ["python","-m","app"]\nENTRYPOINT ["a",\n  "b"]\n'
        'SHELL ["/bin/bash", "-c"]\nHEALTHCHECK --interval=5s CMD ["curl", "-f", "x"]\n'
    ),
    "malformed-json": "FROM a\nCMD [\"a\", 'b']\nCMD [a\n",
    "flags": (
        "FROM --platform=$BUILDPLATFORM golang:1.22 AS build\n"
        "RUN --mount=type=cache,target=/root/.cache --network=none go build\n"
        "COPY --from=build --chown=1:1 --chmod=755 --link /x /y\n"
        "ADD --checksum=sha256:abc --keep-git-dir=true https://x/y /z\n"
        "COPY --exclude=*.md --parents a/ /b/\n"
    ),
    "args-and-env": (
        "ARG VERSION=3.19\nARG REG=docker.io\nFROM ${REG}/alpine:${VERSION} AS base\n"
        'ENV MY_VAR some value here\nLABEL "com.ex.vendor"="ACME"\nUSER\n'
    ),
    "unknown-instruction": "FROM a\nFOO bar\nRUNN x\n",
    "stages": "FROM a AS one\nFROM one AS two\nFROM ONE\nCOPY --from=two /a /b\n",
    "blank-and-comment-lines": "\n\n# c\nFROM a\n\n   \n# d\nRUN x\n",
    "indented-comment-in-continuation": "FROM a\nRUN a \\\n    # note\n    b\n",
    "comment-last-in-continuation": "FROM a\nRUN a \\\n# only a comment\n",
    "maintainer": "FROM a\nMAINTAINER me <me@x>\nSTOPSIGNAL SIGTERM\nEXPOSE 80 443/udp\n",
    "volume-workdir": 'FROM a\nVOLUME ["/data"]\nVOLUME /a /b\nWORKDIR /app\n',
    "tabs": "FROM\ta\nRUN\techo\t\\\n\tb\n",
    "unicode": (
        'FROM a\nLABEL description="caf\u00e9 \u2603"\nRUN echo \u00e9\u00e9 \\\n  \u2603\n'
    ),
    "check-before-escape": "# check=skip=all\n# escape=`\nFROM a\nRUN x `\n y\n",
}

# Samples where we deliberately differ from the oracle, with the reason.
KNOWN_DIFFERENCES: dict[str, str] = {
    "check-before-escape": (
        "the bundled BuildKit predates the check directive (Dockerfile 1.8) and stops reading "
        "directives at it; we honour it like current BuildKit (see test_dockerfile_parser)"
    ),
}


def _compare(text: str) -> None:
    try:
        expected = dockerfile_oracle.parse_string(text)
    except Exception:  # the oracle rejects it (e.g. unterminated heredoc): nothing to compare
        pytest.skip("the BuildKit parser rejects this text")
    ours = parse_dockerfile(text)
    got = [
        (instruction.keyword, instruction.span.start.line, instruction.span.end.line)
        for instruction in ours.instructions
    ]
    want = [(command.cmd.upper(), command.start_line, command.end_line) for command in expected]
    assert got == want


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_samples_match_buildkit(name: str) -> None:
    if name in KNOWN_DIFFERENCES:
        pytest.skip(KNOWN_DIFFERENCES[name])
    _compare(SAMPLES[name])


@pytest.mark.parametrize(
    "text",
    [text for _, text in _fixture_texts()] or [pytest.param("", marks=pytest.mark.skip)],
    ids=[name for name, _ in _fixture_texts()] or ["no-fixtures-yet"],
)
def test_fixtures_match_buildkit(text: str) -> None:
    _compare(text)


def test_fixture_collection_reads_yaml_cases(tmp_path: Path) -> None:
    case_file = tmp_path / "df.yaml"
    case_file.write_text(
        'rule: DF301\ncases:\n  - name: one\n    files:\n      Dockerfile: "FROM a\\n"\n'
        '      compose.yaml: "services: {}\\n"\n      app.Dockerfile: "FROM b\\n"\n',
        encoding="utf-8",
    )
    found = _yaml_texts(case_file, "df.yaml")
    assert [name for name, _ in found] == [
        "df.yaml::one::Dockerfile",
        "df.yaml::one::app.Dockerfile",
    ]
    assert found[0][1] == "FROM a\n"
