"""Precision ledger: sample shiplint's findings on a real corpus, review them, keep the verdicts.

    python benchmarks/precision.py sample CORPUS [--ledger L] [--review R] [--per-rule 8]
    python benchmarks/precision.py merge [--review R] [--ledger L]
    python benchmarks/precision.py summary [--ledger L] [--format text|markdown]

`sample` runs the installed shiplint once over CORPUS (`check --format json --no-config`, the
default rule set), groups the findings by rule and picks up to `--per-rule` findings of every
default-on rule, spread over repositories (the first path component under CORPUS) and files.
The choice is a fixed-seed hash of each finding's location, so re-running after a rule change
keeps every finding that is still reported in the sample and only fills the gaps. It writes the
review file (the ledger's columns plus a few lines of source around each finding), with the
verdicts of identical findings (same rule, file, line, column and message) copied from the
ledger, and lists the findings that still need a verdict.

A reviewer fills `verdict` (TP, FP or debatable) and a one-line `reason` in the review file;
`merge` checks them and writes the ledger (no source text: the corpus is never committed).

`summary` prints per-rule totals and the rules at warning or error (by the installed shiplint's
current metadata) that break the bar: any FP, or more than one debatable, in their sample.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from _compare import RuleInfo, find_shiplint, load_rules

HERE = Path(__file__).resolve().parent
DEFAULT_LEDGER = HERE / "precision-ledger.csv"
DEFAULT_REVIEW = Path("precision-review.csv")
LEDGER_FIELDS = (
    "rule",
    "severity",
    "repository",
    "path",
    "line",
    "column",
    "message",
    "verdict",
    "reason",
)
REVIEW_FIELDS = (*LEDGER_FIELDS, "previous", "context")
VERDICTS = ("TP", "FP", "debatable")
BAR_SEVERITIES = frozenset({"error", "warning"})
CONTEXT_LINES = 3


@dataclass(frozen=True, slots=True)
class Entry:
    """One sampled finding and its review (empty verdict while unreviewed)."""

    rule: str
    severity: str
    repository: str
    path: str
    line: int
    column: int
    message: str
    verdict: str = ""
    reason: str = ""
    previous: str = ""
    context: str = ""

    @property
    def key(self) -> tuple[str, str, int, int, str]:
        """Identity of a finding across runs: the verdict belongs to exactly this text."""
        return (self.rule, self.path, self.line, self.column, self.message)

    @property
    def place(self) -> tuple[str, str, int, int]:
        """Where the finding is, whatever it says (to show an older verdict as a hint)."""
        return (self.rule, self.path, self.line, self.column)


def rank(seed: int, entry: Entry) -> str:
    """Fixed pseudo-random order that depends on the finding's place only, not on the others."""
    text = f"{seed}\0{entry.rule}\0{entry.path}\0{entry.line}\0{entry.column}"
    return hashlib.sha256(text.encode()).hexdigest()


def round_robin(groups: Iterable[list[Entry]]) -> list[Entry]:
    """Interleave already-ordered groups: the first of each, then the second of each, ..."""
    pending = [list(group) for group in groups if group]
    out: list[Entry] = []
    while pending:
        out.extend(group.pop(0) for group in pending)
        pending = [group for group in pending if group]
    return out


def choose(findings: Sequence[Entry], per_rule: int, seed: int) -> list[Entry]:
    """Up to `per_rule` findings, spread over repositories first and over files second."""
    by_repo: dict[str, dict[str, list[Entry]]] = defaultdict(lambda: defaultdict(list))
    for entry in sorted(findings, key=lambda e: rank(seed, e)):
        by_repo[entry.repository][entry.path].append(entry)
    # Each repository's files interleaved; repositories in the order of their best finding
    # (dicts keep insertion order, and insertion followed the rank).
    per_repo = [round_robin(files.values()) for files in by_repo.values()]
    return round_robin(per_repo)[:per_rule]


def choose_gated_first(findings: Sequence[Entry], per_rule: int, seed: int) -> list[Entry]:
    """Up to `per_rule` findings, those reported at warning or error first.

    Some rules grade per finding (a host agent's mount is info, others warn): the bar is about
    what users see at warning/error, so those fill the sample before any info finding does.
    """
    gated = [entry for entry in findings if entry.severity in BAR_SEVERITIES]
    rest = [entry for entry in findings if entry.severity not in BAR_SEVERITIES]
    chosen = choose(gated, per_rule, seed)
    return chosen + choose(rest, per_rule - len(chosen), seed)


def run_shiplint(corpus: Path, shiplint: Sequence[str]) -> list[dict[str, object]]:
    """All findings of one default run over the corpus, paths relative to it."""
    result = subprocess.run(
        [*shiplint, "check", "--format", "json", "--no-config", "--exit-zero", "--quiet", "."],
        cwd=corpus,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0 or not result.stdout.strip():
        sys.exit(f"shiplint failed ({result.returncode}): {result.stderr.strip()[:2000]}")
    findings = json.loads(result.stdout)
    if not isinstance(findings, list):
        sys.exit("shiplint's JSON report is not a list of findings")
    return findings


def to_entry(item: dict[str, object]) -> Entry:
    """A JSON finding as a ledger entry; the repository is the path's first component."""
    path = str(item["path"]).removeprefix("./")
    line, column = item.get("line"), item.get("column")
    return Entry(
        rule=str(item["code"]),
        severity=str(item["severity"]),
        repository=path.split("/", 1)[0],
        path=path,
        line=line if isinstance(line, int) else 0,
        column=column if isinstance(column, int) else 0,
        message=str(item["message"]),
    )


def source_context(corpus: Path, entry: Entry) -> str:
    """A few numbered lines around the finding, `>` marking its line."""
    try:
        lines = (corpus / entry.path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        return f"(cannot read: {exc.strerror})"
    first = max(1, entry.line - CONTEXT_LINES)
    last = min(len(lines), max(entry.line, 1) + CONTEXT_LINES)
    return "\n".join(
        f"{'>' if n == entry.line else ' '}{n:5} {lines[n - 1][:200]}"
        for n in range(first, last + 1)
    )


def read_rows(path: Path) -> list[Entry]:
    """Entries of a ledger or review CSV (missing file: none)."""
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [
        Entry(
            rule=row["rule"],
            severity=row.get("severity", ""),
            repository=row["repository"],
            path=row["path"],
            line=int(row["line"] or 0),
            column=int(row.get("column") or 0),
            message=row["message"],
            verdict=(row.get("verdict") or "").strip(),
            reason=(row.get("reason") or "").strip(),
            previous=row.get("previous") or "",
            context=row.get("context") or "",
        )
        for row in rows
    ]


def write_rows(path: Path, entries: Iterable[Entry], fields: Sequence[str]) -> None:
    """CSV with the given columns, sorted by rule and place so diffs stay small."""
    ordered = sorted(entries, key=lambda e: (e.rule, e.repository, e.path, e.line, e.column))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(fields), lineterminator="\n")
        writer.writeheader()
        for entry in ordered:
            row = {
                "rule": entry.rule,
                "severity": entry.severity,
                "repository": entry.repository,
                "path": entry.path,
                "line": entry.line,
                "column": entry.column,
                "message": entry.message,
                "verdict": entry.verdict,
                "reason": entry.reason,
                "previous": entry.previous,
                "context": entry.context,
            }
            writer.writerow({name: row[name] for name in fields})


def sample(args: argparse.Namespace) -> int:
    """Run shiplint, sample per rule, carry known verdicts over, write the review file."""
    corpus = Path(args.corpus).resolve()
    if not corpus.is_dir():
        sys.exit(f"not a folder: {corpus}")
    shiplint = find_shiplint()
    rules = load_rules(shiplint)
    findings = [to_entry(item) for item in run_shiplint(corpus, shiplint)]
    by_rule: dict[str, list[Entry]] = defaultdict(list)
    for entry in findings:
        by_rule[entry.rule].append(entry)
    known = {entry.key: entry for entry in read_rows(Path(args.ledger))}
    by_place = {entry.place: entry for entry in known.values()}
    chosen: list[Entry] = []
    for code in sorted(by_rule):
        if code in rules and not rules[code].default:
            continue
        for entry in choose_gated_first(by_rule[code], args.per_rule, args.seed):
            old = known.get(entry.key)
            if old is not None:
                entry = replace(entry, verdict=old.verdict, reason=old.reason)
            elif (hint := by_place.get(entry.place)) is not None and hint.verdict:
                entry = replace(entry, previous=f"{hint.verdict}: {hint.reason} [{hint.message}]")
            chosen.append(replace(entry, context=source_context(corpus, entry)))
    write_rows(Path(args.review), chosen, REVIEW_FIELDS)
    repos = {entry.repository for entry in findings}
    todo = [entry for entry in chosen if not entry.verdict]
    dropped = len(set(known) - {entry.key for entry in chosen})
    print(
        f"{len(findings)} findings of {len(by_rule)} rules in {len(repos)} repositories;"
        f" sampled {len(chosen)}, {len(chosen) - len(todo)} with a verdict from the ledger,"
        f" {dropped} ledger rows no longer sampled; review file: {args.review}"
    )
    for code in sorted(by_rule):
        print(f"  {code:<7} {len(by_rule[code]):>5} findings")
    if todo:
        print(f"\n{len(todo)} findings need a verdict:")
        for entry in todo:
            print(f"  {entry.rule} {entry.path}:{entry.line}:{entry.column} {entry.message[:100]}")
    return 0


def merge(args: argparse.Namespace) -> int:
    """Check the reviewed file and write it as the ledger (without source text)."""
    review = Path(args.review)
    entries = read_rows(review)
    if not entries:
        sys.exit(f"no reviewed findings in {review}")
    problems = [
        f"{e.rule} {e.path}:{e.line}: verdict {e.verdict!r} must be one of {', '.join(VERDICTS)}"
        for e in entries
        if e.verdict and e.verdict not in VERDICTS
    ]
    problems += [
        f"{e.rule} {e.path}:{e.line}: a verdict needs a one-line reason"
        for e in entries
        if e.verdict and (not e.reason or "\n" in e.reason)
    ]
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    write_rows(Path(args.ledger), entries, LEDGER_FIELDS)
    todo = sum(1 for entry in entries if not entry.verdict)
    print(f"wrote {len(entries)} rows to {args.ledger} ({todo} still without a verdict)")
    return 0


@dataclass(slots=True)
class Totals:
    """Verdict counts of one rule's sample; `gated_*` count only findings at warning or error."""

    severity: str = ""
    default: bool = True
    tp: int = 0
    fp: int = 0
    debatable: int = 0
    open: int = 0
    gated_fp: int = 0
    gated_debatable: int = 0
    gated_open: int = 0
    gated_n: int = 0

    @property
    def sampled(self) -> int:
        return self.tp + self.fp + self.debatable + self.open

    @property
    def gated(self) -> bool:
        """Whether the bar applies: on by default, at warning or error today, and at least one
        sampled finding was reported at warning or error (some rules grade per finding)."""
        return self.default and self.severity in BAR_SEVERITIES and self.gated_n > 0

    @property
    def passes(self) -> bool:
        """0 FP, at most 1 debatable, everything reviewed (among the gated findings)."""
        return self.gated_fp == 0 and self.gated_debatable <= 1 and self.gated_open == 0


def tally(entries: Iterable[Entry], rules: dict[str, RuleInfo]) -> dict[str, Totals]:
    """Per-rule totals, with today's severity and default when shiplint knows the rule."""
    totals: dict[str, Totals] = {}
    for entry in entries:
        info = rules.get(entry.rule)
        t = totals.setdefault(
            entry.rule,
            Totals(
                severity=info.severity if info else entry.severity,
                default=info.default if info else True,
            ),
        )
        gated = entry.severity in BAR_SEVERITIES
        t.gated_n += gated
        if entry.verdict == "TP":
            t.tp += 1
        elif entry.verdict == "FP":
            t.fp += 1
            t.gated_fp += gated
        elif entry.verdict == "debatable":
            t.debatable += 1
            t.gated_debatable += gated
        else:
            t.open += 1
            t.gated_open += gated
    return totals


def finding_groups(entries: Sequence[Entry], totals: dict[str, Totals]) -> dict[str, list[Entry]]:
    """Sampled findings split by the bar: at warning/error of a gated rule, and the rest."""
    groups: dict[str, list[Entry]] = {"warning/error": [], "info/style": []}
    for entry in entries:
        gated = totals[entry.rule].gated and entry.severity in BAR_SEVERITIES
        groups["warning/error" if gated else "info/style"].append(entry)
    return groups


def count(entries: Sequence[Entry], verdict: str) -> int:
    """How many entries carry this verdict ('' counts the unreviewed)."""
    return sum(1 for entry in entries if entry.verdict == verdict)


def summary(args: argparse.Namespace) -> int:
    """Per-rule and overall totals, and the gated rules that break the bar (exit 1 if any)."""
    entries = read_rows(Path(args.ledger))
    if not entries:
        sys.exit(f"no ledger at {args.ledger}")
    totals = tally(entries, load_rules(find_shiplint()))
    gated = sorted(code for code, t in totals.items() if t.gated)
    failing = [code for code in gated if not totals[code].passes]
    groups = finding_groups(entries, totals)
    if args.format == "markdown":
        print("| sampled findings | sampled | TP | FP | debatable |")
        print("|---|---:|---:|---:|---:|")
        for label, group in groups.items():
            print(
                f"| at {label} | {len(group)} | {count(group, 'TP')} | {count(group, 'FP')}"
                f" | {count(group, 'debatable')} |"
            )
        print(
            f"\n{len(gated) - len(failing)} of {len(gated)} default-on rules at warning or error"
            f" meet the bar; below it: {', '.join(failing) or 'none'}."
        )
        return 1 if failing else 0
    print(f"{'rule':<8} {'severity':<8} {'n':>3} {'TP':>3} {'FP':>3} {'deb':>3} {'open':>4}  bar")
    for code in sorted(totals):
        t = totals[code]
        bar = ("ok" if t.passes else "FAILS") if t.gated else "-"
        off = "" if t.default else " (off by default)"
        print(
            f"{code:<8} {t.severity:<8} {t.sampled:>3} {t.tp:>3} {t.fp:>3} {t.debatable:>3}"
            f" {t.open:>4}  {bar}{off}"
        )
    for label, group in groups.items():
        print(
            f"findings at {label}: {len(group)} sampled, {count(group, 'TP')} TP,"
            f" {count(group, 'FP')} FP, {count(group, 'debatable')} debatable,"
            f" {count(group, '')} open"
        )
    meeting = len(gated) - len(failing)
    print(f"default-on rules at warning/error: {len(gated)}, {meeting} meet the bar")
    print("rules at warning/error breaking the bar: " + (", ".join(failing) or "none"))
    return 1 if failing else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: sample, merge or summary."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_sample = sub.add_parser("sample", help="run shiplint and write the review file")
    p_sample.add_argument("corpus", help="folder with one sub-folder per repository")
    p_sample.add_argument("--per-rule", type=int, default=8)
    p_sample.add_argument("--seed", type=int, default=9)
    p_sample.add_argument("--ledger", default=str(DEFAULT_LEDGER))
    p_sample.add_argument("--review", default=str(DEFAULT_REVIEW))
    p_merge = sub.add_parser("merge", help="write the reviewed verdicts into the ledger")
    p_merge.add_argument("--review", default=str(DEFAULT_REVIEW))
    p_merge.add_argument("--ledger", default=str(DEFAULT_LEDGER))
    p_summary = sub.add_parser("summary", help="totals per rule and the bar")
    p_summary.add_argument("--ledger", default=str(DEFAULT_LEDGER))
    p_summary.add_argument("--format", choices=("text", "markdown"), default="text")
    args = parser.parse_args(argv)
    handlers = {"sample": sample, "merge": merge, "summary": summary}
    return handlers[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
