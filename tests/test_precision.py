"""benchmarks/precision.py as a reviewer uses it: sample, review, merge, re-sample, summary."""

from __future__ import annotations

import csv
import importlib.util
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "precision.py"
OLD_STYLE = 'FROM debian:12.5\nMAINTAINER someone@example.com\nCMD ["true"]\n'


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The script as a user runs it (it finds the installed shiplint on PATH)."""
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], cwd=cwd, capture_output=True, text=True, check=False
    )


def load_module() -> object:
    """The script as a module, for the sampling function (it imports its sibling _compare)."""
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        spec = importlib.util.spec_from_file_location("precision", SCRIPT)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["precision"] = module  # dataclasses look their module up
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(SCRIPT.parent))
    return module


def test_choice_spreads_over_repositories_then_files() -> None:
    precision: Any = load_module()
    entry = precision.Entry

    def finding(repo: str, file: str, line: int) -> Any:
        return entry("DF999", "warning", repo, f"{repo}/{file}", line, 1, "msg")

    many = [finding("big", f"f{n}/Dockerfile", line) for n in range(3) for line in (1, 2, 3)]
    few = [finding("small", "Dockerfile", 1), finding("tiny", "Dockerfile", 4)]
    chosen = precision.choose([*many, *few], 3, 9)
    assert {e.repository for e in chosen} == {"big", "small", "tiny"}
    only_big = precision.choose(many, 3, 9)
    assert len({e.path for e in only_big}) == 3
    assert precision.choose(many, 3, 9) == only_big


def test_findings_at_warning_or_error_fill_the_sample_before_info_ones() -> None:
    precision: Any = load_module()

    def finding(severity: str, line: int) -> Any:
        return precision.Entry("DC999", severity, "r", "r/compose.yaml", line, 1, "msg")

    infos = [finding("info", line) for line in range(1, 20)]
    warnings = [finding("warning", line) for line in range(20, 23)]
    chosen = precision.choose_gated_first([*infos, *warnings], 8, 9)
    assert len(chosen) == 8
    assert sorted(e.line for e in chosen if e.severity == "warning") == [20, 21, 22]
    many_warnings = [finding("error", line) for line in range(30, 45)]
    assert all(
        e.severity == "error" for e in precision.choose_gated_first([*infos, *many_warnings], 8, 9)
    )


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def write_rows(path: Path, data: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(data[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(data)


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    """Two repositories: three old-style Dockerfiles in one, one in the other, one compose file."""
    root = tmp_path / "corpus"
    for name in ("api", "worker", "web"):
        folder = root / "acme+apps" / name
        folder.mkdir(parents=True)
        (folder / "Dockerfile").write_text(OLD_STYLE, encoding="utf-8")
    other = root / "someone+tools"
    other.mkdir(parents=True)
    (other / "Dockerfile").write_text(OLD_STYLE, encoding="utf-8")
    (other / "compose.yaml").write_text(
        "version: '3.8'\nservices:\n  app:\n    image: busybox:1.36\n", encoding="utf-8"
    )
    return root


def test_sample_spreads_over_repositories_and_shows_context(corpus: Path, tmp_path: Path) -> None:
    review = tmp_path / "review.csv"
    args = ["sample", str(corpus), "--per-rule", "2", "--ledger", str(tmp_path / "none.csv")]
    done = run(tmp_path, *args, "--review", str(review))
    assert done.returncode == 0, done.stderr
    sampled = rows(review)
    maintainer = [row for row in sampled if "MAINTAINER" in row["message"]]
    assert {row["repository"] for row in maintainer} == {"acme+apps", "someone+tools"}
    assert all(row["verdict"] == "" for row in sampled)
    assert all(row["path"].startswith(row["repository"] + "/") for row in sampled)
    first = maintainer[0]
    assert f">{int(first['line']):5} MAINTAINER someone@example.com" in first["context"]
    assert "need a verdict" in done.stdout
    # A fixed seed: the same corpus gives the same review file.
    again = tmp_path / "again.csv"
    run(tmp_path, *args, "--review", str(again))
    assert again.read_text(encoding="utf-8") == review.read_text(encoding="utf-8")


def test_verdicts_survive_a_new_run_and_new_findings_are_listed(
    corpus: Path, tmp_path: Path
) -> None:
    review, ledger = tmp_path / "review.csv", tmp_path / "ledger.csv"
    run(tmp_path, "sample", str(corpus), "--ledger", str(ledger), "--review", str(review))
    reviewed = rows(review)
    for row in reviewed:
        row["verdict"], row["reason"] = "TP", "checked by hand"
    reviewed[0]["verdict"] = "maybe"
    write_rows(review, reviewed)
    refused = run(tmp_path, "merge", "--review", str(review), "--ledger", str(ledger))
    assert refused.returncode == 1 and "must be one of TP, FP, debatable" in refused.stderr
    assert not ledger.exists()
    reviewed[0]["verdict"] = "FP"
    write_rows(review, reviewed)
    merged = run(tmp_path, "merge", "--review", str(review), "--ledger", str(ledger))
    assert merged.returncode == 0, merged.stderr
    kept = rows(ledger)
    assert "context" not in kept[0] and len(kept) == len(reviewed)

    (corpus / "someone+tools" / "Dockerfile.dev").write_text(
        'FROM debian\nCMD ["true"]\n', encoding="utf-8"
    )
    done = run(tmp_path, "sample", str(corpus), "--ledger", str(ledger), "--review", str(review))
    assert done.returncode == 0, done.stderr
    fresh = rows(review)
    old = {(r["rule"], r["path"], r["line"]): r["verdict"] for r in kept}
    for row in fresh:
        key = (row["rule"], row["path"], row["line"])
        assert row["verdict"] == old.get(key, "")
    new = [row for row in fresh if row["verdict"] == ""]
    assert new and all(row["path"] == "someone+tools/Dockerfile.dev" for row in new)
    assert "someone+tools/Dockerfile.dev:1" in done.stdout


def test_summary_names_the_rules_below_the_bar(corpus: Path, tmp_path: Path) -> None:
    review, ledger = tmp_path / "review.csv", tmp_path / "ledger.csv"
    run(tmp_path, "sample", str(corpus), "--ledger", str(ledger), "--review", str(review))
    reviewed = rows(review)
    for row in reviewed:
        row["verdict"], row["reason"] = "TP", "checked by hand"
    bad = next(row for row in reviewed if "MAINTAINER" in row["message"])
    bad["verdict"], bad["reason"] = "FP", "pretend it was wrong"
    write_rows(review, reviewed)
    run(tmp_path, "merge", "--review", str(review), "--ledger", str(ledger))
    done = run(tmp_path, "summary", "--ledger", str(ledger))
    assert done.returncode == 1
    assert f"breaking the bar: {bad['rule']}" in done.stdout
    bad["verdict"], bad["reason"] = "debatable", "one debatable is allowed"
    write_rows(review, reviewed)
    run(tmp_path, "merge", "--review", str(review), "--ledger", str(ledger))
    done = run(tmp_path, "summary", "--ledger", str(ledger), "--format", "markdown")
    assert done.returncode == 0, done.stdout
    assert "below it: none." in done.stdout
