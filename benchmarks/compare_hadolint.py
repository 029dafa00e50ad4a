"""Compare shiplint with hadolint on a corpus of Dockerfiles, run by hand.

    python benchmarks/compare_hadolint.py /tmp/corpus/dockerfiles [--shellcheck] [--examples 5]
    python benchmarks/compare_hadolint.py DIR --hadolint-config .hadolint.yaml --runs 0

Runs hadolint (`--format json`) and shiplint (`check --format json --select ALL --no-config`)
once each over every Dockerfile under the folder, translates hadolint's DL codes (and, with
--shellcheck, its SC codes) into shiplint codes through the aliases that `shiplint rules
--format json` publishes, matches findings by file and instruction (BuildKit's own parser, the
`dockerfile` package, gives each instruction's line range), and prints per-code tables, the
files either tool could not parse, shiplint crashes, and the best-of-N timings.

With --hadolint-config, both tools read that .hadolint.yaml (shiplint as a user who switched
does, without --select ALL), and a table compares the severities each reports per DL code.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

from _compare import (
    Finding,
    RuleInfo,
    Tally,
    alias_map,
    find_shiplint,
    load_rules,
    match,
    print_counts,
    print_table,
    speed_line,
    timed,
)

from linter.builtin_codes import about_the_input

SKIP_SUFFIXES = (".template", ".dockerignore", ".md", ".sh")


def is_dockerfile(path: Path) -> bool:
    """The names shiplint discovers, minus templates and side files that share the prefix."""
    name = path.name.lower()
    if name.endswith(SKIP_SUFFIXES):
        return False
    return (
        name in ("dockerfile", "containerfile")
        or name.startswith("dockerfile.")
        or name.endswith((".dockerfile", ".containerfile"))
    )


def discover(root: Path) -> list[str]:
    """Dockerfiles under root, as sorted paths relative to it (skipping .git)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != ".git"]
        for filename in filenames:
            path = Path(dirpath, filename)
            if is_dockerfile(path) and path.is_file():
                found.append(os.path.relpath(path, root))
    return sorted(found)


def instruction_starts(root: Path, files: list[str]) -> dict[str, list[tuple[int, int]]]:
    """(start, end) line of every instruction, from BuildKit's parser; empty when it fails."""
    import dockerfile  # the BuildKit parser wrapper, an oracle independent of shiplint

    ranges: dict[str, list[tuple[int, int]]] = {}
    for rel in files:
        try:
            commands = dockerfile.parse_file(str(root / rel))
        except (dockerfile.GoParseError, dockerfile.GoIOError, UnicodeDecodeError):
            ranges[rel] = []
            continue
        ranges[rel] = [(c.start_line, c.end_line) for c in commands]
    return ranges


def anchor_of(ranges: list[tuple[int, int]], line: int) -> str:
    """The start line of the instruction holding `line` (the line itself when outside one)."""
    for start, end in ranges:
        if start <= line <= end:
            return str(start)
    return f"L{line}"


def run_hadolint(
    hadolint: str, root: Path, files: list[str], runs: int, config: Path | None = None
) -> tuple[float, list[dict[str, object]]]:
    """One hadolint invocation over every file; best time of `runs`."""
    options = ["--config", str(config)] if config else []
    seconds, result = timed(
        [hadolint, *options, "--format", "json", "--no-fail", *files], root, runs
    )
    if not result.stdout.strip():
        sys.exit(f"hadolint produced no JSON: {result.stderr[:500]}")
    findings: list[dict[str, object]] = json.loads(result.stdout)
    return seconds, findings


def run_shiplint(
    shiplint: list[str],
    root: Path,
    files: list[str],
    runs: int,
    extra: list[str],
    config: Path | None = None,
) -> tuple[float, int, list[dict[str, object]]]:
    """One shiplint invocation over every file; best time of `runs`, exit code, findings."""
    selection = ["--config", str(config)] if config else ["--select", "ALL", "--no-config"]
    cmd = [*shiplint, "check", "--format", "json", *selection, *extra]
    seconds, result = timed([*cmd, "--", *files], root, runs)
    if result.returncode not in (0, 1):
        print(f"shiplint exit {result.returncode}: {result.stderr[-800:]}", file=sys.stderr)
    findings: list[dict[str, object]] = json.loads(result.stdout or "[]")
    return seconds, result.returncode, findings


def translate_hadolint(
    raw: list[dict[str, object]],
    ranges: dict[str, list[tuple[int, int]]],
    dl_map: dict[str, str],
    with_sc: bool,
) -> tuple[list[Finding], Counter[str], Counter[str], list[str]]:
    """hadolint findings as shiplint codes; unmapped codes, SC codes, unparsed files aside."""
    found: list[Finding] = []
    unmapped: Counter[str] = Counter()
    sc_codes: Counter[str] = Counter()
    unparsed: list[str] = []
    for item in raw:
        code, path, line = (
            str(item["code"]),
            os.path.normpath(str(item["file"])),
            int(str(item["line"])),
        )
        if code == "DL1000":
            unparsed.append(f"{path}:{line}")
            continue
        if code.startswith("SC"):
            sc_codes[code] += 1
            if not with_sc:
                continue
            ours = f"DF601/{code}"
        elif code in dl_map:
            ours = dl_map[code]
        else:
            unmapped[code] += 1
            continue
        anchor = anchor_of(ranges.get(path, []), line)
        found.append(Finding(ours, path, line, anchor, code, str(item["message"])))
    return found, unmapped, sc_codes, unparsed


def translate_shiplint(
    raw: list[dict[str, object]],
    ranges: dict[str, list[tuple[int, int]]],
    compared: set[str],
    rules: dict[str, RuleInfo],
) -> tuple[list[Finding], Counter[str], list[str]]:
    """shiplint findings of compared codes; the others counted by code; DF0xx kept apart."""
    found: list[Finding] = []
    others: Counter[str] = Counter()
    syntax: list[str] = []
    for item in raw:
        code, path, line = (
            str(item["code"]),
            os.path.normpath(str(item["path"])),
            int(str(item["line"])),
        )
        if (
            about_the_input(code, "dockerfile")
            and rules.get(code)
            and rules[code].severity == "error"
        ):
            syntax.append(f"{code} {path}:{line} {str(item['message'])[:120]}")
        subcode = item.get("subcode")
        key = f"{code}/{subcode}" if code == "DF601" and subcode else code
        if key in compared or (code == "DF601" and "DF601" in compared):
            anchor = anchor_of(ranges.get(path, []), line)
            found.append(Finding(key, path, line, anchor, code, str(item["message"])))
        else:
            severity = rules[code].severity if code in rules else "?"
            others[f"{code} ({severity})"] += 1
    return found, others, syntax


def print_severities(
    h_raw: list[dict[str, object]], s_raw: list[dict[str, object]], dl_map: dict[str, str]
) -> None:
    """Per DL code, the severities hadolint and shiplint reported (both read one config)."""
    theirs: dict[str, Counter[str]] = {}
    for item in h_raw:
        code = str(item["code"])
        if code in dl_map:
            theirs.setdefault(dl_map[code], Counter())[f"{code} {item['level']}"] += 1
    ours: dict[str, Counter[str]] = {}
    for item in s_raw:
        ours.setdefault(str(item["code"]), Counter())[str(item["severity"])] += 1
    print("\n## Severities with the hadolint configuration (code: hadolint | shiplint)\n")
    for code in sorted(set(theirs) | {c for c in ours if c in dl_map.values()}):
        left = ", ".join(f"{k} x{n}" for k, n in sorted(theirs.get(code, Counter()).items()))
        right = ", ".join(f"{k} x{n}" for k, n in sorted(ours.get(code, Counter()).items()))
        print(f"  {code}: {left or '-'} | {right or '-'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="folder holding the Dockerfiles")
    parser.add_argument("--shellcheck", action="store_true", help="also compare SC findings")
    parser.add_argument(
        "--runs", type=int, default=3, help="timed runs per tool, best kept (0: no timing)"
    )
    parser.add_argument("--examples", type=int, default=0, help="unmatched examples per code")
    parser.add_argument("--hadolint", default=shutil.which("hadolint") or "hadolint")
    parser.add_argument(
        "--cache", type=Path, help="folder keeping hadolint's JSON between runs (then not timed)"
    )
    parser.add_argument(
        "--hadolint-config",
        type=Path,
        help="a .hadolint.yaml both tools read (default: shiplint --select ALL)",
    )
    args = parser.parse_args()
    config: Path | None = args.hadolint_config.resolve() if args.hadolint_config else None

    root: Path = args.corpus.resolve()
    files = discover(root)
    print(f"corpus: {root}  Dockerfiles: {len(files)}")
    shiplint = find_shiplint()
    rules = load_rules(shiplint)
    dl_map = alias_map(rules, "DL")
    ranges = instruction_starts(root, files)
    no_buildkit = sorted(f for f, r in ranges.items() if not r)

    runs = max(1, args.runs)
    cached = args.cache / "hadolint.json" if args.cache else None
    if cached and cached.exists():
        h_time, h_raw = 0.0, json.loads(cached.read_text())
    else:
        h_time, h_raw = run_hadolint(args.hadolint, root, files, runs, config)
        if cached:
            cached.parent.mkdir(parents=True, exist_ok=True)
            cached.write_text(json.dumps(h_raw))
    s_time, s_exit, plain_raw = run_shiplint(shiplint, root, files, runs, [], config)
    sc_time, sc_exit = 0.0, 0
    sc_raw: list[dict[str, object]] = []
    if args.shellcheck or args.runs > 0:
        sc_time, sc_exit, sc_raw = run_shiplint(
            shiplint, root, files, runs, ["--shellcheck"], config
        )
    s_raw = sc_raw if args.shellcheck else plain_raw

    peer, unmapped, sc_codes, unparsed = translate_hadolint(h_raw, ranges, dl_map, args.shellcheck)
    compared = set(dl_map.values()) | ({"DF601"} if args.shellcheck else set())
    ours, others, syntax = translate_shiplint(s_raw, ranges, compared, rules)
    blind = frozenset(item.rsplit(":", 1)[0] for item in unparsed)
    tallies: dict[str, Tally] = match(peer, ours, blind)
    for code in set(dl_map.values()):
        tallies.setdefault(code, Tally())
    labels = {
        code: ",".join(a for a in rules[code].aliases if a.startswith("DL"))
        + ("" if rules[code].default else " (off)")
        for code in set(dl_map.values())
    }
    dl_tallies = {k: v for k, v in tallies.items() if not k.startswith("DF601/")}
    print_table("Rules with a hadolint alias", dl_tallies, labels, "hadolint", args.examples)
    if args.shellcheck:
        sc_tallies = {k: v for k, v in tallies.items() if k.startswith("DF601/")}
        print_table(
            "ShellCheck findings (DF601 sub-codes)", sc_tallies, {}, "hadolint", args.examples
        )
    else:
        print_counts("hadolint SC findings (not compared; use --shellcheck)", dict(sc_codes))
    if config:
        print_severities(h_raw, s_raw, dl_map)
    print_counts("hadolint codes with no shiplint alias", dict(unmapped))
    print_counts("shiplint codes with no hadolint alias (code, severity)", dict(others))
    print(
        f"\n## Parsing\n\nhadolint DL1000 (could not parse, reports nothing else): {len(unparsed)}"
    )
    for item in unparsed:
        print(f"  {item}")
    print(f"BuildKit parser failures: {len(no_buildkit)} {no_buildkit[:10]}")
    print(f"shiplint error-level DF0xx findings (parse errors, crashes): {len(syntax)}")
    for item in syntax:
        print(f"  {item}")
    print(f"shiplint exit codes: plain {s_exit}, --shellcheck {sc_exit} (2 = internal error)")
    if args.runs <= 0:
        return
    print(f"\n## Timing (one invocation over {len(files)} files, best of {runs})\n")
    peer_time = h_time or None
    print(speed_line("hadolint", h_time, None) if h_time else "hadolint: cached, not timed")
    print(speed_line("shiplint --select ALL", s_time, peer_time))
    print(speed_line("shiplint --select ALL --shellcheck", sc_time, peer_time))


if __name__ == "__main__":
    try:
        main()
    except subprocess.CalledProcessError as error:
        sys.exit(f"command failed: {error.cmd}: {error.stderr}")
