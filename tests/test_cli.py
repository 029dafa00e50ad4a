"""The command line as users run it: exit codes, selection, config, suppressions, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from lintrun import lint_json, run_cli, write_files

MAINTAINER = 'FROM alpine:3.20\nMAINTAINER someone@example.com\nCMD ["sh"]\n'


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / ".shiplint.toml").write_text("", encoding="utf-8")
    return tmp_path


def _codes(findings: list[dict[str, object]]) -> set[str]:
    return {str(f["code"]) for f in findings}


def _maintainer_code() -> str:
    from linter.registry import default_registry

    code = default_registry().resolve("DL4000")
    assert code is not None
    return code


def test_exit_codes(project: Path) -> None:
    write_files(project, {"Dockerfile": MAINTAINER})
    code, out, _ = run_cli(project, ["check", "--format", "concise", "--select", "DL4000"])
    assert code == 1 and "Dockerfile:2:1" in out
    assert run_cli(project, ["check", "--select", "DL4000", "--exit-zero"])[0] == 0
    assert run_cli(project, ["check", "--select", "DL4000", "--fail-level", "none"])[0] == 0
    assert run_cli(project, ["check", "--select", "NOPE123"])[0] == 2
    assert run_cli(project, ["check", "missing-file"])[0] == 2
    assert run_cli(project, ["check", "--format", "nope"])[0] == 2


def test_select_by_alias_name_and_prefix(project: Path) -> None:
    write_files(project, {"Dockerfile": MAINTAINER})
    code = _maintainer_code()
    name = next(f["name"] for f in lint_json(project, ["--select", "DL4000"]))
    assert _codes(lint_json(project, ["--select", str(name)])) == {code}
    assert _codes(lint_json(project, ["--select", code[:3]])) >= {code}
    assert code not in _codes(lint_json(project, ["--ignore", "DL4000"]))


def test_fail_level_and_severity_override(project: Path) -> None:
    write_files(project, {"Dockerfile": MAINTAINER})
    args = ["check", "--select", "DL4000", "--severity", "DL4000=style"]
    assert run_cli(project, args)[0] == 0  # style does not fail at the default level
    assert run_cli(project, [*args, "--fail-level", "style"])[0] == 1
    findings = lint_json(project, ["--select", "DL4000", "--severity", "DL4000=style"])
    assert findings[0]["severity"] == "style"


def test_shiplint_and_hadolint_suppressions(project: Path) -> None:
    code = _maintainer_code()
    write_files(
        project,
        {
            "a.Dockerfile": f"FROM alpine:3.20\n# shiplint: ignore[{code}] legacy\n"
            "MAINTAINER x@example.com\n",
            "b.Dockerfile": "FROM alpine:3.20\n# hadolint ignore=DL4000\nMAINTAINER x@example.com\n",
            "c.Dockerfile": "# hadolint global ignore=DL4000\nFROM alpine:3.20\n"
            "MAINTAINER x@example.com\n",
            "d.Dockerfile": "FROM alpine:3.20\n# shiplint: ignore[DF001]\nMAINTAINER x@example.com\n",
        },
    )
    findings = lint_json(project, ["--select", "DL4000"])
    assert {f["path"] for f in findings} == {"d.Dockerfile"}


def test_unused_suppression_rule(project: Path) -> None:
    write_files(
        project, {"Dockerfile": 'FROM alpine:3.20\n# shiplint: ignore[DL4000]\nCMD ["sh"]\n'}
    )
    findings = lint_json(project, ["--select", "DF099,DL4000"])
    assert [(f["code"], f["line"]) for f in findings] == [("DF099", 2)]
    # the same pragma is not "unused" in a run where its rule did not run
    assert lint_json(project, ["--select", "DF099"]) == []


def test_config_files_and_errors(project: Path) -> None:
    write_files(project, {"Dockerfile": MAINTAINER})
    (project / ".shiplint.toml").write_text('ignore = ["DL4000"]\n', encoding="utf-8")
    assert _maintainer_code() not in _codes(lint_json(project, ["--extend-select", "ALL"]))
    (project / ".shiplint.toml").write_text('ignroe = ["DL4000"]\n', encoding="utf-8")
    code, _, err = run_cli(project, ["check"])
    assert code == 2 and ".shiplint.toml" in err and "ignroe" in err
    (project / ".shiplint.toml").write_text('ignore = ["XX9999"]\n', encoding="utf-8")
    code, _, err = run_cli(project, ["check"])
    assert code == 2 and "XX9999" in err


def test_pyproject_and_yaml_config(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {"Dockerfile": MAINTAINER, "pyproject.toml": '[tool.shiplint]\nignore = ["DL4000"]\n'},
    )
    assert _maintainer_code() not in _codes(lint_json(tmp_path))
    (tmp_path / "pyproject.toml").unlink()
    (tmp_path / ".shiplint.yaml").write_text("ignore: [DL4000]\n", encoding="utf-8")
    assert _maintainer_code() not in _codes(lint_json(tmp_path))


def test_hadolint_config_is_honoured(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "Dockerfile": MAINTAINER,
            ".hadolint.yaml": "ignored:\n  - DL4000\nfailure-threshold: error\n",
        },
    )
    assert _maintainer_code() not in _codes(lint_json(tmp_path))
    (tmp_path / ".hadolint.yaml").write_text(
        "override:\n  style:\n    - DL4000\n", encoding="utf-8"
    )
    findings = [f for f in lint_json(tmp_path) if f["code"] == _maintainer_code()]
    assert findings and findings[0]["severity"] == "style"


def test_per_file_ignores(project: Path) -> None:
    write_files(project, {"legacy/Dockerfile": MAINTAINER, "Dockerfile": MAINTAINER})
    (project / ".shiplint.toml").write_text(
        '[per-file-ignores]\n"legacy/*" = ["DL4000"]\n', encoding="utf-8"
    )
    findings = lint_json(project, ["--select", "DL4000"])
    assert {f["path"] for f in findings} == {"Dockerfile"}


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("Dockerfile", b"\x00\x01\x02binary\xff"),
        ("Dockerfile", b"FROM alpine\nRUN echo \xff\xfe\xfd\n"),
        ("Dockerfile", b""),
        ("Dockerfile", b"# only a comment\n# and another\n"),
        ("compose.yaml", b"\x00\x00binary"),
        ("compose.yaml", b"services: [\n"),
        ("compose.yaml", b""),
    ],
)
def test_bad_input_is_a_finding_not_a_crash(project: Path, name: str, data: bytes) -> None:
    (project / name).write_bytes(data)
    write_files(project, {"ok/Dockerfile": MAINTAINER})
    code, out, err = run_cli(project, ["check", "--format", "json"])
    assert code == 1, err
    assert "Traceback" not in err
    findings = json.loads(out)
    paths = {f["path"] for f in findings}
    assert name in paths and "ok/Dockerfile" in paths
    expected = "DF001" if name == "Dockerfile" else "DC001"
    assert {f["code"] for f in findings if f["path"] == name} == {expected}


def test_utf16_with_bom_is_read(project: Path) -> None:
    (project / "Dockerfile").write_bytes(MAINTAINER.encode("utf-16"))
    findings = lint_json(project, ["--select", "DL4000"])
    assert [f["line"] for f in findings] == [2]


def test_huge_file_is_refused_cleanly(project: Path) -> None:
    (project / "Dockerfile").write_bytes(b"FROM alpine\n" + b"RUN echo x\n" * 1_000_000)
    findings = lint_json(project, ["--select", "DF001"])
    assert findings and "too large" in findings[0]["message"]


def test_directory_given_as_file_is_linted_as_folder(project: Path) -> None:
    write_files(project, {"sub/Dockerfile": MAINTAINER})
    assert {f["path"] for f in lint_json(project, ["sub", "--select", "DL4000"])} == {
        "sub/Dockerfile"
    }


def test_stdin(project: Path) -> None:
    code, out, _ = run_cli(
        project,
        [
            "check",
            "-",
            "--stdin-filename",
            "Dockerfile",
            "--format",
            "concise",
            "--select",
            "DL4000",
        ],
        stdin=MAINTAINER,
    )
    assert code == 1 and out.startswith("Dockerfile:2:1:")


def test_gitignore_is_respected(project: Path) -> None:
    write_files(
        project,
        {"build/Dockerfile": MAINTAINER, "Dockerfile": MAINTAINER, ".gitignore": "build/\n"},
    )
    (project / ".git").mkdir()
    assert {f["path"] for f in lint_json(project, ["--select", "DL4000"])} == {"Dockerfile"}


def test_jobs_output_is_identical(project: Path) -> None:
    files = {f"svc{i}/Dockerfile": MAINTAINER for i in range(30)}
    files.update({f"svc{i}/compose.yaml": "services:\n  a:\n    build: .\n" for i in range(5)})
    write_files(project, files)
    serial = run_cli(project, ["check", "--format", "json", "--jobs", "1"])
    parallel = run_cli(project, ["check", "--format", "json", "--jobs", "2"])
    assert serial == parallel


def test_output_file_and_statistics(project: Path) -> None:
    write_files(project, {"Dockerfile": MAINTAINER})
    _, out, _ = run_cli(project, ["check", "--format", "sarif", "--output-file", "r.sarif"])
    assert out == "" and json.loads((project / "r.sarif").read_text())["version"] == "2.1.0"
    _, out, _ = run_cli(project, ["check", "--statistics", "--select", "DL4000"])
    assert _maintainer_code() in out and "Found 1 problem (1 warning)" in out


def test_rules_listing_and_explain(project: Path) -> None:
    code, out, _ = run_cli(project, ["rules", "--format", "json"])
    rules = json.loads(out)
    assert code == 0 and all(
        {"code", "name", "tags", "severity", "summary", "docs", "fixable", "aliases"} <= set(r)
        for r in rules
    )
    code, out, _ = run_cli(project, ["rule", "DL4000"])
    assert code == 0 and "DL4000" in out and "Bad:" in out
    assert run_cli(project, ["rule", "nothing-like-this"])[0] == 2


def test_baseline_reports_only_new_findings(project: Path) -> None:
    write_files(project, {"Dockerfile": MAINTAINER})
    assert run_cli(project, ["check", "--write-baseline", "base.json"])[0] == 0
    assert run_cli(project, ["check", "--baseline", "base.json"])[0] == 0
    # unrelated lines moved: still known
    write_files(project, {"Dockerfile": "# a comment\n\n" + MAINTAINER})
    assert run_cli(project, ["check", "--baseline", "base.json"])[0] == 0
    write_files(project, {"Dockerfile": "# a comment\n\n" + MAINTAINER + "MAINTAINER b@x.org\n"})
    code, out, _ = run_cli(project, ["check", "--baseline", "base.json", "--format", "concise"])
    assert code == 1 and out.count("\n") >= 1


def test_fix_and_diff(project: Path) -> None:
    write_files(project, {"Dockerfile": 'from alpine:3.20\nCMD ["sh"]\n'})
    code, out, _ = run_cli(project, ["check", "--diff", "--select", "ConsistentInstructionCasing"])
    assert code == 1 and "-from alpine:3.20\n+FROM alpine:3.20" in out
    assert (project / "Dockerfile").read_text() == 'from alpine:3.20\nCMD ["sh"]\n'
    code, _, _ = run_cli(project, ["check", "--fix", "--select", "ConsistentInstructionCasing"])
    assert code == 0
    assert (project / "Dockerfile").read_text() == 'FROM alpine:3.20\nCMD ["sh"]\n'


def test_installed_command_and_module(project: Path) -> None:
    write_files(project, {"Dockerfile": MAINTAINER})
    for command in (["shiplint"], [sys.executable, "-m", "linter"]):
        done = subprocess.run(
            [*command, "check", "--format", "concise", "--select", "DL4000"],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 1 and "Dockerfile:2:1" in done.stdout, done.stderr
    version = subprocess.run(["shiplint", "--version"], capture_output=True, text=True, timeout=60)
    assert version.returncode == 0 and version.stdout.startswith("shiplint ")


def test_compose_suppressions_before_and_at_line_end(project: Path) -> None:
    base = "services:\n  web:\n    image: nginx:1.27\n"
    write_files(
        project,
        {
            "a/compose.yaml": base + "    privileged: true  # shiplint: ignore[CL-0002]\n",
            "b/compose.yaml": base + "    # shiplint: ignore[privileged-service]\n"
            "    privileged: true\n",
            "c/compose.yaml": base + "    privileged: true\n",
            "d/compose.yaml": "# dclint disable-file\n" + base + "    privileged: true\n",
        },
    )
    findings = lint_json(project, ["--select", "CL-0002"])
    assert {f["path"] for f in findings} == {"c/compose.yaml"}


def test_buildkit_check_skip_directive(project: Path) -> None:
    write_files(
        project,
        {
            "a.Dockerfile": "# check=skip=MaintainerDeprecated\nFROM alpine:3.20\n"
            "MAINTAINER x@example.com\n",
            "b.Dockerfile": "# check=skip=all\nFROM alpine:3.20\nMAINTAINER x@example.com\n",
            "c.Dockerfile": MAINTAINER,
        },
    )
    findings = lint_json(project, ["--select", "DL4000"])
    assert {f["path"] for f in findings} == {"c.Dockerfile"}


def test_github_format_is_the_default_in_actions(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_files(project, {"Dockerfile": MAINTAINER})
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    _, out, _ = run_cli(project, ["check", "--select", "DL4000"])
    assert out.startswith("::warning file=Dockerfile,line=2")


def test_no_color_is_honoured(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from linter.cli import _use_color

    class Terminal:
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert _use_color(Terminal())  # type: ignore[arg-type]
    monkeypatch.setenv("NO_COLOR", "1")
    assert not _use_color(Terminal())  # type: ignore[arg-type]


def test_alias_bomb_is_a_finding(project: Path) -> None:
    levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for index, name in enumerate("bcdefghi"):
        previous = "abcdefghi"[index]
        levels.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    write_files(project, {"compose.yaml": "\n".join(levels) + "\nservices: {}\n"})
    code, out, err = run_cli(project, ["check", "--format", "json"])
    assert code == 1 and "Traceback" not in err
    assert any("alias" in f["message"].lower() for f in json.loads(out))


def test_a_finding_shared_through_a_merge_key_is_reported_once(project: Path) -> None:
    write_files(
        project,
        {
            "compose.yaml": (
                "x-db: &db\n  image: mariadb:latest\nservices:\n  a:\n    <<: *db\n  b:\n    <<: *db\n"
            )
        },
    )
    findings = [f for f in lint_json(project, ["--select", "DC500"])]
    assert [(f["line"], f["column"]) for f in findings] == [(2, 10)]


def test_special_files_are_refused_not_read(project: Path) -> None:
    import os

    fifo = project / "Dockerfile"
    os.mkfifo(fifo)
    code, out, err = run_cli(
        project, ["check", "--format", "json", "Dockerfile", "/dev/zero", "--kind", "dockerfile"]
    )
    assert code == 1 and "Traceback" not in err
    messages = {f["path"]: f["message"] for f in json.loads(out)}
    assert "not a regular file" in messages["Dockerfile"]
    assert "not a regular file" in messages["/dev/zero"]


def test_undecodable_stdin_is_a_finding(project: Path) -> None:
    import sys

    class BinaryStdin:
        buffer = __import__("io").BytesIO(b"FROM alpine\nRUN echo \xff\n")

    old = sys.stdin
    sys.stdin = BinaryStdin()  # type: ignore[assignment]
    try:
        from linter.cli import main

        out = __import__("io").StringIO()
        code = main(
            ["check", "-", "--stdin-filename", "Dockerfile", "--format", "concise", "--no-config"],
            stdout=out,
        )
    finally:
        sys.stdin = old
    assert code == 1 and out.getvalue().startswith("Dockerfile:1:1: DF001")


def test_a_very_long_command_chain_does_not_crash_rules(project: Path) -> None:
    chain = " && ".join(f"echo {index}" for index in range(20000))
    write_files(project, {"Dockerfile": f"FROM alpine:3.20\nRUN {chain}\n"})
    findings = lint_json(project)
    assert not [f for f in findings if f["code"] == "DF000"]
