"""What drawing costs, run by hand: ``python benchmarks/bench_graph.py [--repeat N] [PATH ...]``.

Measures, in fresh processes of the installed ``shiplint``:
- ``check`` against ``graph`` (Mermaid, DOT, JSON) on the same files, in CPU time of the
  process: drawing may add at most 10% (the graph command runs the same lint, keeping the
  parsed files, and draws them);
- a generated project of 100 services, 12 networks and 2 multi-stage Dockerfiles: ``graph``
  must take under a second.
PATHs default to the repository's ``examples/`` and the generated project.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

# The console script of this interpreter's install: ``python -m linter`` run from the
# repository would import the source folder, which has no ``linter.rules``.
SHIPLINT = [str(Path(sys.executable).with_name("shiplint"))]
DATASTORES = ["postgres:16.4", "redis:7.4", "mariadb:11.4", "mongo:7.0"]


def big_project(folder: Path, services: int = 100, networks: int = 12) -> Path:
    """A stack shaped like the large self-hosted ones: shared anchors, many networks,
    published ports, volumes, secrets and services built from two Dockerfiles."""
    lines = [
        "x-app: &app",
        "  restart: unless-stopped",
        "  depends_on:",
        "    db0:",
        "      condition: service_healthy",
        "    cache1: {}",
        "  volumes:",
        "    - ./config:/etc/app:ro",
        "    - shared:/srv/shared",
        "services:",
    ]
    for index in range(services):
        name = f"svc{index}"
        if index < len(DATASTORES):
            name = ["db0", "cache1", "db2", "queue3"][index]
            lines += [
                f"  {name}:",
                f"    image: {DATASTORES[index]}",
                f"    networks: [net{index % networks}]",
                f'    volumes: ["{name}-data:/data"]',
                "    healthcheck:",
                '      test: ["CMD", "true"]',
            ]
            continue
        lines += [f"  {name}:", "    <<: *app"]
        if index % 3 == 0:
            lines += [
                "    build:",
                "      context: ./app",
                f"      target: {'runtime' if index % 2 else 'worker'}",
            ]
        elif index % 3 == 1:
            lines += ["    build: ./tools"]
        else:
            lines += [f"    image: ghcr.io/acme/{name}:1.{index}"]
        lines += [f"    networks: [net{index % networks}, net{(index + 1) % networks}]"]
        if index % 7 == 0:
            lines += [
                "    ports:",
                f'      - "{8000 + index}:8000"',
                f'      - "127.0.0.1:{9000 + index}:9000"',
            ]
        if index % 11 == 0:
            lines += ["    secrets: [api-key]"]
        if index % 13 == 0:
            lines += ["    profiles: [extra]"]
    lines += ["networks:"] + [
        f"  net{i}:" + (" {internal: true}" if i % 2 else " {}") for i in range(networks)
    ]
    lines += ["volumes:", "  shared: {}"] + [
        f"  {name}-data: {{}}" for name in ("db0", "cache1", "db2", "queue3")
    ]
    lines += ["secrets:", "  api-key:", "    file: ./api-key.txt"]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "compose.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for sub, text in (("app", APP_DOCKERFILE), ("tools", TOOLS_DOCKERFILE)):
        (folder / sub).mkdir(exist_ok=True)
        (folder / sub / "Dockerfile").write_text(text, encoding="utf-8")
    return folder


APP_DOCKERFILE = """\
FROM python:3.12-slim AS base
WORKDIR /srv
FROM base AS deps
COPY requirements.txt .
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
FROM deps AS worker
COPY . .
CMD ["python", "-m", "worker"]
FROM node:22-alpine AS assets
COPY web/ /web
RUN cd /web && npm ci && npm run build
FROM base AS runtime
COPY --from=deps /usr/local /usr/local
COPY --from=assets /web/dist /srv/static
COPY . .
USER 1000
CMD ["python", "-m", "app"]
"""
TOOLS_DOCKERFILE = """\
FROM golang:1.23 AS build
WORKDIR /src
COPY . .
RUN go build -o /out/tool ./cmd/tool
FROM gcr.io/distroless/static:nonroot
COPY --from=build /out/tool /tool
ENTRYPOINT ["/tool"]
"""


def _run(args: Sequence[str], cwd: Path) -> float:
    """CPU seconds (user + system) of one ``shiplint`` process: on a loaded machine wall
    time mostly measures the other processes."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([*SHIPLINT, *args], cwd=cwd, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"shiplint {' '.join(args)} failed: {done.stderr}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def compare(paths: Sequence[str], cwd: Path, repeat: int) -> None:
    """Median CPU times, the commands interleaved so that load on the machine hits all."""
    commands = {"check": ["check", "--format", "json", *paths]}
    for output_format in ("mermaid", "dot", "json"):
        commands[f"graph {output_format}"] = ["graph", "--format", output_format, *paths]
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, args in commands.items():
            times[name].append(_run(args, cwd))
    check = statistics.median(times["check"])
    print(f"{' '.join(paths) or '.'} in {cwd.name}/  (median of {repeat})")
    for name, found in times.items():
        median = statistics.median(found)
        extra = "" if name == "check" else f"  {(median / check - 1) * 100:+5.1f}% over check"
        print(f"  {name:<14} {median * 1000:8.1f} ms CPU{extra}")


def drawing_only(folder: Path) -> None:
    """In one process: a lint, then the graph's lint-and-build, then the rendering (the
    second lint reuses the process's warm caches, as a long-running caller would)."""
    import os

    from linter import engine
    from linter.graph.build import build_graph, render

    old = os.getcwd()
    os.chdir(folder)
    try:
        settings = engine.Settings(cwd=str(folder), config_root=str(folder))
        start = time.process_time()
        engine.run(["."], settings)
        linted = time.process_time()
        graph, _ = build_graph(["."], settings)  # lints again, keeping the parsed files
        built = time.process_time()
        render(graph, "mermaid", "bench")
        drawn = time.process_time()
    finally:
        os.chdir(old)
    print(
        f"  in one process (CPU): check {(linted - start) * 1000:.1f} ms, check and build the "
        f"graph {(built - linted) * 1000:.1f} ms, render Mermaid {(drawn - built) * 1000:.1f} ms "
        f"({len(graph.nodes)} nodes, {len(graph.edges)} edges)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", help="folders or files to compare on")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    root = Path(__file__).resolve().parent.parent
    if args.paths:
        compare(args.paths, Path.cwd(), args.repeat)
        return 0
    compare(["examples"], root, args.repeat)
    with tempfile.TemporaryDirectory() as temporary:
        folder = big_project(Path(temporary) / "stack")
        compare(["."], folder, args.repeat)
        drawing_only(folder)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
