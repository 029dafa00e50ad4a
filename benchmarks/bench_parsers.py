"""Micro-benchmarks of the front ends, run by hand: ``python benchmarks/bench_parsers.py``.

Prints the best per-call time of the Dockerfile parser, the shell view of a typical
official-image RUN (beside tree-sitter's own parse), and the compose loader and project
loader (with schema validation) on a generated 300-line file.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from linter.compose.loader import load_compose_text
from linter.compose.project import load_project
from linter.dockerfile.ast import SourceLine
from linter.dockerfile.parser import parse_dockerfile
from linter.dockerfile.shell import parse_script

RUN_BODY = (
    "set -eux; apt-get update; apt-get install -y --no-install-recommends ca-certificates "
    "curl gnupg wget; rm -rf /var/lib/apt/lists/*; "
    'savedAptMark="$(apt-mark showmanual)"; dpkgArch="$(dpkg --print-architecture)"; '
    "case \"$dpkgArch\" in amd64) arch='x86_64' ;; arm64) arch='aarch64' ;; "
    '*) echo >&2 "unsupported: $dpkgArch"; exit 1 ;; esac; '
    'wget -O /tmp/x.tgz "https://example.com/x-${VERSION}-${arch}.tgz"; '
    "tar -xzf /tmp/x.tgz -C /usr/local --strip-components=1; rm /tmp/x.tgz"
)


def best(work: Callable[[], object], rounds: int = 5, calls: int = 50) -> float:
    """Best mean seconds per call over ``rounds`` rounds of ``calls`` calls."""
    work()
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(calls):
            work()
        timings.append((time.perf_counter() - start) / calls)
    return min(timings)


def dockerfile_text(stages: int = 10) -> str:
    parts = []
    for index in range(stages):
        parts.append(
            f"FROM python:3.12-slim AS s{index}\nARG V{index}=1\nWORKDIR /app\n"
            "COPY requirements.txt .\n"
            "RUN pip install --no-cache-dir -r requirements.txt \\\n"
            "    && rm -rf /tmp/* \\\n    && echo done\n"
            f'ENV A{index}=1 B{index}=2\nCOPY . .\nCMD ["python", "-m", "app"]\n'
        )
    return "".join(parts)


def compose_text(services: int = 15) -> str:
    lines = [
        "x-defaults: &defaults\n  restart: unless-stopped\n  logging:\n"
        "    driver: json-file\nservices:\n"
    ]
    for index in range(services):
        lines.append(
            f"  svc{index}:\n    <<: *defaults\n    image: ghcr.io/acme/svc{index}:1.2.3\n"
            f'    ports:\n      - "127.0.0.1:{8000 + index}:8000"\n'
            "    environment:\n      LOG_LEVEL: info\n      DB_HOST: db\n"
            '    healthcheck:\n      test: ["CMD", "true"]\n      interval: 10s\n'
            "    depends_on:\n      - db\n"
        )
    lines.append(
        "  db:\n    image: postgres:16.4\n    volumes:\n"
        "      - data:/var/lib/postgresql/data\nvolumes:\n  data: {}\n"
    )
    return "".join(lines)


def main() -> None:
    import tree_sitter
    import tree_sitter_bash

    docker = dockerfile_text()
    print(
        f"parse_dockerfile, {docker.count(chr(10))} lines: "
        f"{best(lambda: parse_dockerfile(docker)) * 1000:.2f} ms"
    )
    lines = [SourceLine(2, 5, RUN_BODY)]
    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_bash.language()))
    source = RUN_BODY.encode()
    print(
        f"parse_script, {len(RUN_BODY)}-char RUN: {best(lambda: parse_script(lines)) * 1e6:.0f} "
        f"us (tree-sitter alone {best(lambda: parser.parse(source)) * 1e6:.0f} us)"
    )
    compose = compose_text()
    print(
        f"load_compose_text, {compose.count(chr(10))} lines: "
        f"{best(lambda: load_compose_text(compose, 'compose.yaml')) * 1000:.2f} ms"
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "compose.yaml")
        path.write_text(compose, encoding="utf-8")
        print(
            "load_project with schema: "
            f"{best(lambda: load_project(str(path)), calls=20) * 1000:.2f} ms"
        )


if __name__ == "__main__":
    main()
