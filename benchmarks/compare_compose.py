"""Compare shiplint with dclint and compose-lint on a corpus of compose files, run by hand.

    python benchmarks/compare_compose.py /tmp/corpus/compose [--dclint PATH] [--examples 5]

Runs dclint (`-f json`), compose-lint (`--format json`) and shiplint (`check --format json
--select ALL --no-config --kind compose`) once each over every compose file under the folder,
translates the peers' rule IDs into shiplint codes through the aliases that `shiplint rules
--format json` publishes, matches findings by file and by the service (or top-level key) their
line falls in, and prints per-code tables, schema errors side by side, shiplint crashes, and
best-of-N timings (the whole corpus, and one file from a cold start).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import replace
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

from linter.builtin_codes import INTERNAL_ERROR, role_of
from linter.project import classify

DCLINT_NAME = re.compile(r"^[a-z]+(-[a-z]+)+$")
# dclint's two mandatory validations have no alias (shiplint has no rule of that exact
# shape), so they are paired with the shiplint codes that report the same problems.
DCLINT_VALIDATIONS = {"invalid-schema": "DC006", "invalid-yaml": "DC001"}
FILE_LEVEL = frozenset(DCLINT_VALIDATIONS.values())
# dclint finds the line of a volume entry by searching the file for the first line that holds
# its text (the same entry in two services is reported twice on the first one's line), so
# this code is matched per file on both sides.
TEXT_LOCATED = frozenset({"DC505"})
# dclint finds a top-level key's line with /^\s*key:/, which hits a service's `networks:`
# before the top-level one: its finding is anchored to the key it names (`data.key`).
DCLINT_TOP_LEVEL = "top-level-properties-order"

Blocks = list[tuple[str, int, int]]


def discover(root: Path) -> list[str]:
    """Compose files under root (compose.yaml, docker-compose.*.yml, ...), relative, sorted."""
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in (".git", "node_modules")]
        found.extend(
            os.path.relpath(Path(dirpath, name), root)
            for name in filenames
            if classify(name) == "compose"
        )
    return sorted(found)


def blocks_of(path: Path) -> Blocks:
    """(anchor, first line, last line) of every service and other top-level key.

    Services come first so that a line inside one is anchored to it rather than to
    `services`. Files that do not load give no blocks (findings fall back to their line).
    """
    import yaml

    try:
        root = yaml.compose(path.read_text(encoding="utf-8", errors="replace"))
    except yaml.YAMLError:
        return []
    if not isinstance(root, yaml.MappingNode):
        return []
    services: Blocks = []
    others: Blocks = []
    for key, value in root.value:
        name = str(key.value)
        others.append((name, key.start_mark.line + 1, value.end_mark.line))
        if name == "services" and isinstance(value, yaml.MappingNode):
            for s_key, s_value in value.value:
                services.append(
                    (f"services.{s_key.value}", s_key.start_mark.line + 1, s_value.end_mark.line)
                )
    return services + others


def anchor_of(blocks: Blocks, line: int) -> str:
    """The service or top-level key holding `line`."""
    for name, start, end in blocks:
        if start <= line <= max(start, end):
            return name
    return f"L{line}"


def finding(
    code: str, path: str, line: int, peer_code: str, message: str, blocks: Blocks
) -> Finding:
    """A finding anchored to its block; file-level codes are anchored to the file."""
    anchor = "file" if code in FILE_LEVEL | TEXT_LOCATED else anchor_of(blocks, line)
    return Finding(code, path, line, anchor, peer_code, message)


def run_dclint(
    dclint: str, root: Path, files: list[str], runs: int
) -> tuple[float, list[dict[str, object]]]:
    """One dclint invocation over every file; best time of `runs`.

    The report goes through `-o FILE`: dclint exits before a piped stdout is flushed, which
    cuts large reports at 64 KiB.
    """
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp, "dclint.json")
        seconds, result = timed([dclint, "-f", "json", "-o", str(out), *files], root, runs)
        if not out.exists():
            sys.exit(f"dclint wrote no report: {result.stderr[:500]}")
        report: list[dict[str, object]] = json.loads(out.read_text())
    return seconds, report


def run_compose_lint(
    exe: str, root: Path, files: list[str], runs: int
) -> tuple[float, list[dict[str, object]]]:
    """One compose-lint invocation over every file; best time of `runs`."""
    seconds, result = timed([exe, "--format", "json", *files], root, runs)
    report = json.loads(result.stdout)
    findings: list[dict[str, object]] = report["findings"]
    return seconds, [f for f in findings if not f.get("suppressed")]


def run_shiplint(
    shiplint: list[str], root: Path, files: list[str], runs: int
) -> tuple[float, int, list[dict[str, object]]]:
    """One shiplint invocation over every file; best time, exit code, findings."""
    cmd = [*shiplint, "check", "--format", "json", "--select", "ALL", "--no-config"]
    seconds, result = timed([*cmd, "--kind", "compose", "--", *files], root, runs)
    if result.returncode not in (0, 1):
        print(f"shiplint exit {result.returncode}: {result.stderr[-800:]}", file=sys.stderr)
    findings: list[dict[str, object]] = json.loads(result.stdout or "[]")
    return seconds, result.returncode, findings


def from_dclint(
    report: list[dict[str, object]], mapping: dict[str, str], blocks: dict[str, Blocks]
) -> tuple[list[Finding], Counter[str]]:
    """dclint messages as shiplint codes; unmapped rule names counted."""
    found: list[Finding] = []
    unmapped: Counter[str] = Counter()
    for entry in report:
        path = os.path.normpath(str(entry["filePath"]))
        messages = entry["messages"]
        assert isinstance(messages, list)
        for message in messages:
            rule = str(message["rule"])
            code = DCLINT_VALIDATIONS.get(rule) or mapping.get(rule)
            if code is None:
                unmapped[rule] += 1
                continue
            line = int(message.get("line") or 1)
            text = str(message["message"])
            item = finding(code, path, line, rule, text, blocks.get(path, []))
            data = message.get("data")
            key = data.get("key") if rule == DCLINT_TOP_LEVEL and isinstance(data, dict) else None
            if isinstance(key, str) and any(name == key for name, _, _ in blocks.get(path, [])):
                item = replace(item, anchor=key)
            found.append(item)
    return found, unmapped


def from_compose_lint(
    report: list[dict[str, object]], mapping: dict[str, str], blocks: dict[str, Blocks]
) -> tuple[list[Finding], Counter[str]]:
    """compose-lint findings as shiplint codes; unmapped IDs counted."""
    found: list[Finding] = []
    unmapped: Counter[str] = Counter()
    for item in report:
        rule = str(item["rule_id"])
        code = mapping.get(rule)
        if code is None:
            unmapped[rule] += 1
            continue
        path = os.path.normpath(str(item["file"]))
        line = int(str(item.get("line") or 1))
        found.append(finding(code, path, line, rule, str(item["message"]), blocks.get(path, [])))
    return found, unmapped


def from_shiplint(
    report: list[dict[str, object]], compared: set[str], blocks: dict[str, Blocks]
) -> tuple[list[Finding], list[str]]:
    """shiplint findings of the compared codes, and any internal errors (DC000/DF000)."""
    found: list[Finding] = []
    crashes: list[str] = []
    for item in report:
        code = str(item["code"])
        path = os.path.normpath(str(item["path"]))
        line = int(str(item["line"]))
        if role_of(code) == INTERNAL_ERROR:
            crashes.append(f"{code} {path}:{line} {str(item['message'])[:140]}")
        if code in compared:
            found.append(
                finding(code, path, line, code, str(item["message"]), blocks.get(path, []))
            )
    return found, crashes


def labels_for(rules: dict[str, RuleInfo], codes: set[str], peer: str) -> dict[str, str]:
    """Table labels: the peer's aliases of each code, and `(off)` for rules off by default."""
    labels: dict[str, str] = {}
    for code in codes:
        rule = rules[code]
        names = [a for a in rule.aliases if a.startswith("CL-") == (peer == "compose-lint")]
        names = [a for a in names if peer == "compose-lint" or DCLINT_NAME.match(a)]
        if peer == "dclint":
            names += [k for k, v in DCLINT_VALIDATIONS.items() if v == code]
        labels[code] = ",".join(names) + ("" if rule.default else " (off)")
    return labels


def pick_single(root: Path, files: list[str]) -> str:
    """The median-sized compose file: a typical single-file run."""
    return sorted(files, key=lambda f: (root / f).stat().st_size)[len(files) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="folder holding the compose files")
    parser.add_argument(
        "--runs", type=int, default=3, help="timed runs per tool, best kept (0: no timing)"
    )
    parser.add_argument("--examples", type=int, default=0, help="unmatched examples per code")
    parser.add_argument(
        "--dclint", default=shutil.which("dclint") or "/tmp/dclint/node_modules/.bin/dclint"
    )
    parser.add_argument("--compose-lint", default=shutil.which("compose-lint") or "compose-lint")
    args = parser.parse_args()

    root: Path = args.corpus.resolve()
    files = discover(root)
    print(f"corpus: {root}  compose files: {len(files)}")
    shiplint = find_shiplint()
    rules = load_rules(shiplint)
    dc_map = {k: v for k, v in alias_map(rules, "").items() if DCLINT_NAME.match(k)}
    cl_map = alias_map(rules, "CL-")
    blocks = {f: blocks_of(root / f) for f in files}
    runs = max(1, args.runs)

    d_time, d_raw = run_dclint(args.dclint, root, files, runs)
    c_time, c_raw = run_compose_lint(args.compose_lint, root, files, runs)
    s_time, s_exit, s_raw = run_shiplint(shiplint, root, files, runs)

    d_found, d_unmapped = from_dclint(d_raw, dc_map, blocks)
    c_found, c_unmapped = from_compose_lint(c_raw, cl_map, blocks)
    d_codes = set(dc_map.values()) | FILE_LEVEL
    c_codes = set(cl_map.values())
    ours, crashes = from_shiplint(s_raw, d_codes | c_codes, blocks)

    # dclint reports nothing but the schema error for a file that fails its schema check.
    d_blind = frozenset(f.path for f in d_found if f.code in FILE_LEVEL)
    d_ours = [f for f in ours if f.code in d_codes]
    d_tallies: dict[str, Tally] = match(d_found, d_ours, d_blind)
    c_tallies: dict[str, Tally] = match(c_found, [f for f in ours if f.code in c_codes])
    for code in d_codes:
        d_tallies.setdefault(code, Tally())
    for code in c_codes:
        c_tallies.setdefault(code, Tally())
    d_labels = labels_for(rules, d_codes, "dclint")
    c_labels = labels_for(rules, c_codes, "compose-lint")
    print_table("Rules with a dclint alias", d_tallies, d_labels, "dclint", args.examples)
    print_table("Rules with a compose-lint alias", c_tallies, c_labels, "c-lint", args.examples)
    print_counts("dclint rules with no shiplint alias", dict(d_unmapped))
    print_counts("compose-lint rules with no shiplint alias", dict(c_unmapped))

    print("\n## Schema and YAML errors (file, dclint line, shiplint lines)\n")
    schema_files = sorted({f.path for f in d_found + ours if f.code in FILE_LEVEL})
    for path in schema_files:
        theirs = [f.line for f in d_found if f.path == path and f.code in FILE_LEVEL]
        mine = [f.line for f in ours if f.path == path and f.code in FILE_LEVEL]
        print(f"{path}: dclint {theirs} shiplint {mine}")
    print(f"\nshiplint internal errors (DC000/DF000): {len(crashes)}")
    for item in crashes:
        print(f"  {item}")
    print(f"shiplint exit code: {s_exit} (2 = internal error)")

    if args.runs <= 0:
        return
    print(f"\n## Timing (one invocation over {len(files)} files, best of {runs})\n")
    print(speed_line("dclint", d_time, None))
    print(speed_line("compose-lint", c_time, None))
    print(speed_line("shiplint --select ALL vs dclint", s_time, d_time))
    print(speed_line("shiplint --select ALL vs compose-lint", s_time, c_time))
    single = pick_single(root, files)
    print(f"\none file, cold start ({single}), best of {max(runs, 5)}:")
    one_c, _ = timed([args.compose_lint, "--format", "json", single], root, max(runs, 5))
    cmd = [*shiplint, "check", "--format", "json", "--no-config", single]
    one_s, _ = timed(cmd, root, max(runs, 5))
    print(speed_line("compose-lint", one_c, None))
    print(speed_line("shiplint (default rules)", one_s, one_c))


if __name__ == "__main__":
    try:
        main()
    except subprocess.CalledProcessError as error:
        sys.exit(f"command failed: {error.cmd}: {error.stderr}")
