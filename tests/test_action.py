"""The GitHub Action (action.yml) and the README's workflow, run the way a runner runs them.

The action's ``run:`` steps are executed with bash in a temporary git repository, with the
variables a runner sets (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_WORKSPACE, RUNNER_TEMP,
GITHUB_ACTIONS=true, ...) and the ``${{ }}`` expressions substituted as the runner would. The
``uses:`` steps are stood in for: setup-python hands over this interpreter, the SARIF upload is
recorded and its file checked. The install step really creates the virtual environment and
installs a wheel of this checkout into it (the ``package`` input), so no network is needed
beyond the package index the dependencies come from.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from test_reporters import validate_sarif

from linter import __version__
from linter.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
README = (ROOT / "README.md").read_text(encoding="utf-8")
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")

DOCKERFILE = """\
FROM python:latest
COPY . /app
RUN pip install -r /app/requirements.txt
CMD python /app/main.py
"""
COMPOSE = """\
services:
  web:
    build: .
    ports:
      - "8000:8000"
  db:
    image: postgres
    environment:
      POSTGRES_PASSWORD: hunter2hunter2
"""


@dataclass
class StepResult:
    id: str | None
    returncode: int
    stdout: str
    stderr: str
    outputs: dict[str, str]
    summary: str


@dataclass
class ActionRun:
    steps: list[StepResult] = field(default_factory=list)
    uploads: list[dict[str, str]] = field(default_factory=list)
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    failed: StepResult | None = None

    @property
    def summary(self) -> str:
        return "".join(step.summary for step in self.steps)

    def step(self, step_id: str) -> StepResult:
        return next(step for step in self.steps if step.id == step_id)

    def action_outputs(self, runner: Runner) -> dict[str, str]:
        return {
            name: runner.substitute(spec["value"], self) for name, spec in ACTION["outputs"].items()
        }


def read_outputs(path: Path) -> dict[str, str]:
    """GITHUB_OUTPUT's two forms: ``name=value`` and ``name<<DELIMITER`` ... ``DELIMITER``."""
    outputs: dict[str, str] = {}
    lines = iter(path.read_text(encoding="utf-8").splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            body = []
            for body_line in lines:
                if body_line == delimiter:
                    break
                body.append(body_line)
            outputs[name] = "\n".join(body)
        elif line:
            name, _, value = line.partition("=")
            outputs[name] = value
    return outputs


@dataclass
class Runner:
    """What a GitHub runner does for a composite action, minus the network."""

    workspace: Path
    temp: Path
    inputs: dict[str, str]
    action_ref: str = ""

    def value(self, expression: str, run: ActionRun) -> str:
        if expression.startswith("inputs."):
            return self.inputs[expression.removeprefix("inputs.")]
        match = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expression)
        if match:
            return run.outputs.get(match[1], {}).get(match[2], "")
        if expression == "github.action_ref":
            return self.action_ref
        if expression == "github.action_path":
            return str(ROOT)
        raise AssertionError(f"the test runner does not know ${{{{ {expression} }}}}")

    def substitute(self, text: object, run: ActionRun) -> str:
        """A YAML value as the runner hands it over: a string, booleans as true/false."""
        value = str(text).lower() if isinstance(text, bool) else str(text)
        return EXPRESSION.sub(lambda m: self.value(m.group(1), run), value)

    def condition(self, text: str, run: ActionRun) -> bool:
        """``if:`` conditions: comparisons joined by ``&&``, all this action uses."""
        inner = EXPRESSION.fullmatch(text.strip())
        expression = inner.group(1) if inner else text
        result = True
        for part in expression.split("&&"):
            match = re.fullmatch(r"\s*([\w.-]+)\s*(==|!=)\s*'([^']*)'\s*", part)
            assert match, f"the test runner cannot evaluate if: {text}"
            left = self.value(match[1], run)
            result &= (left == match[3]) if match[2] == "==" else (left != match[3])
        return result

    def environment(self) -> dict[str, str]:
        base = {
            key: value
            for key, value in os.environ.items()
            if key.startswith(("PIP_", "LANG", "LC_", "HOME", "TMPDIR", "SSL_", "REQUESTS_"))
        }
        # The job's PATH: no shiplint on it, so the action must use the one it installs.
        base["PATH"] = "/usr/local/bin:/usr/bin:/bin"
        base.update(
            {
                "CI": "true",
                "GITHUB_ACTIONS": "true",
                "GITHUB_WORKSPACE": str(self.workspace),
                "GITHUB_ACTION_PATH": str(ROOT),
                "GITHUB_SERVER_URL": "https://github.com",
                "GITHUB_REPOSITORY": "acme/shop",
                "GITHUB_SHA": "0123456789abcdef0123456789abcdef01234567",
                "GITHUB_ENV": str(self.temp / "github_env"),
                "GITHUB_PATH": str(self.temp / "github_path"),
                "RUNNER_TEMP": str(self.temp),
            }
        )
        return base

    def run(self, run: ActionRun | None = None, only: set[str] | None = None) -> ActionRun:
        """Run the steps in order (``only``: just these ids) until one fails."""
        run = run or ActionRun()
        for number, step in enumerate(ACTION["runs"]["steps"]):
            step_id = step.get("id")
            if only is not None and step_id not in only:
                continue
            if "if" in step and not self.condition(step["if"], run):
                continue
            if "uses" in step:
                self._uses(step, run)
                continue
            result = self._run_step(number, step, run)
            run.steps.append(result)
            if step_id:
                run.outputs[step_id] = result.outputs
            if result.returncode != 0:
                run.failed = result
                break
        return run

    def _uses(self, step: Mapping[str, Any], run: ActionRun) -> None:
        with_ = {key: self.substitute(value, run) for key, value in step.get("with", {}).items()}
        if step["uses"].startswith("actions/setup-python@"):
            # The action's interpreter must not become the job's python.
            assert with_["update-environment"] == "false"
            run.outputs[step["id"]] = {"python-path": sys.executable}
        elif step["uses"].startswith("github/codeql-action/upload-sarif@"):
            run.uploads.append(with_)
        else:
            raise AssertionError(f"unexpected action {step['uses']}")

    def _run_step(self, number: int, step: Mapping[str, Any], run: ActionRun) -> StepResult:
        assert step["shell"] == "bash"
        script = self.temp / f"step{number}.sh"
        script.write_text(self.substitute(step["run"], run), encoding="utf-8")
        output = self.temp / f"output{number}"
        summary = self.temp / f"summary{number}"
        output.write_text("")
        summary.write_text("")
        env = self.environment()
        env.update({key: self.substitute(value, run) for key, value in step.get("env", {}).items()})
        env.update({"GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary)})
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=self.workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        return StepResult(
            step.get("id"),
            done.returncode,
            done.stdout,
            done.stderr,
            read_outputs(output),
            summary.read_text(encoding="utf-8"),
        )


def defaults(**overrides: str) -> dict[str, str]:
    inputs = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    for name, value in overrides.items():
        key = name.replace("_", "-")
        assert key in inputs, key
        inputs[key] = value
    return inputs


def git_repository(path: Path) -> Path:
    path.mkdir()
    (path / "Dockerfile").write_text(DOCKERFILE, encoding="utf-8")
    (path / "compose.yaml").write_text(COMPOSE, encoding="utf-8")
    (path / "requirements.txt").write_text("flask==3.0.3\n", encoding="utf-8")
    git = ["git", "-c", "user.name=ci", "-c", "user.email=ci@example.invalid"]
    subprocess.run([*git, "init", "-q"], cwd=path, check=True)
    subprocess.run([*git, "add", "."], cwd=path, check=True)
    subprocess.run([*git, "commit", "-qm", "app"], cwd=path, check=True)
    return path


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return next(out.glob("shiplint-*.whl"))


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> tuple[Runner, ActionRun]:
    """The README's workflow on its first run: a baseline file that does not exist yet."""
    base = tmp_path_factory.mktemp("action")
    temp = base / "runner-temp"
    temp.mkdir()
    runner = Runner(
        git_repository(base / "repo"),
        temp,
        defaults(args="--baseline .shiplint-baseline.json", package=str(wheel)),
        action_ref="v0.2.0",
    )
    return runner, runner.run()


def sarif_results(path: Path) -> list[dict[str, Any]]:
    log = json.loads(path.read_text(encoding="utf-8"))
    validate_sarif(log)
    results: list[dict[str, Any]] = log["runs"][0]["results"]
    return results


def test_action_metadata_follows_the_schema() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-actions",
            str(ROOT / "action.yml"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "code scanning" in ACTION["description"]
    steps = ACTION["runs"]["steps"]
    assert all(step.get("shell") == "bash" for step in steps if "run" in step)


def test_scripts_take_inputs_through_env_and_pass_shellcheck(tmp_path: Path) -> None:
    """No ``${{ }}`` inside a script (an input cannot inject shell code), and ShellCheck-clean."""
    for number, step in enumerate(ACTION["runs"]["steps"]):
        if "run" not in step:
            continue
        assert "${{" not in step["run"], f"step {step.get('id', number)} interpolates"
        script = tmp_path / f"step{number}.sh"
        script.write_text(step["run"], encoding="utf-8")
        done = subprocess.run(
            ["shellcheck", "--shell=bash", str(script)], capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stdout


def test_every_shiplint_call_parses() -> None:
    """Each ``"$SHIPLINT" check`` line of the action is a command line the CLI accepts."""
    parser = build_parser()
    calls = 0
    for step in ACTION["runs"]["steps"]:
        text = step.get("run", "").replace("\\\n", " ")
        for line in text.splitlines():
            if '"$SHIPLINT" check' not in line:
                continue
            line = line.split(" || ")[0].split(" >> ")[0]
            words = line.split()[1:]
            words = [{'"${args[@]}"': "--quiet", '"${paths[@]}"': "."}.get(w, w) for w in words]
            words = [
                w.strip('"').replace("$SHIPLINT_FAIL_LEVEL", "info").replace("$sarif", "out.sarif")
                for w in words
            ]
            parser.parse_args(words)
            calls += 1
    assert calls == 3


@pytest.mark.parametrize(
    ("ref", "version", "package", "expected"),
    [
        ("v0.2.0", "", "", "shiplint==0.2.0"),
        ("0.3.1rc1", "", "", "shiplint==0.3.1rc1"),
        ("v1.0.0.post2", "", "", "shiplint==1.0.0.post2"),
        ("v0.2.0", "0.1.0", "", "shiplint==0.1.0"),
        ("v0.2.0", "latest", "", "shiplint"),
        ("main", "", "", str(ROOT)),
        ("v1", "", "", str(ROOT)),
        ("", "", "", str(ROOT)),  # the runner leaves action_ref empty in some nestings
        ("8f2c1d0e9b7a6c5d4e3f2a1b0c9d8e7f6a5b4c3d", "", "", str(ROOT)),
        (
            "v0.2.0",
            "",
            "./dist/shiplint-0.2.0-py3-none-any.whl",
            "./dist/shiplint-0.2.0-py3-none-any.whl",
        ),
    ],
)
def test_the_action_installs_the_shiplint_of_its_tag(
    tmp_path: Path, ref: str, version: str, package: str, expected: str
) -> None:
    runner = Runner(tmp_path, tmp_path, defaults(version=version, package=package), action_ref=ref)
    run = runner.run(only={"spec"})
    assert run.failed is None
    assert run.outputs["spec"]["spec"] == expected


@pytest.mark.slow
def test_first_run_reports_uploads_and_fails_on_findings(
    first_run: tuple[Runner, ActionRun],
) -> None:
    runner, run = first_run
    # The install went into its own virtual environment under RUNNER_TEMP and left the
    # job's environment alone.
    install = run.step("install")
    assert install.returncode == 0, install.stderr
    assert install.outputs["shiplint"].startswith(str(runner.temp / "shiplint-venv"))
    assert install.outputs["version"] == __version__
    for name in ("github_env", "github_path"):
        assert not (runner.temp / name).exists() or not (runner.temp / name).read_text()

    lint = run.step("lint")
    assert lint.returncode == 0, lint.stderr
    # No baseline yet: a warning and a normal run, never exit 2.
    assert lint.stderr.count("warning: .shiplint-baseline.json: no such baseline file") == 1
    assert "Traceback" not in lint.stderr

    sarif = runner.workspace / "shiplint.sarif"
    assert lint.outputs["sarif-file"] == "shiplint.sarif"
    results = sarif_results(sarif)
    severities = [result["properties"]["severity"] for result in results]
    assert results and lint.outputs["findings"] == str(len(results))
    for severity in ("error", "warning", "info", "style"):
        assert lint.outputs[f"{severity}-count"] == str(severities.count(severity))
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results} == {
        "Dockerfile",
        "compose.yaml",
    }

    # Annotations on the pull request: one workflow command per finding.
    commands = [line for line in lint.stdout.splitlines() if line.startswith("::")]
    assert len(commands) == len(results)
    assert any(line.startswith("::warning file=Dockerfile,line=1,") for line in commands)

    # The job summary: the counts and the findings, linked to the commit.
    summary = run.summary
    assert summary.startswith(f"## shiplint {__version__}\n")
    assert f"**{len(results)} problems** in 2 files" in summary
    assert "| **Total** |" in summary
    assert (
        "[Dockerfile:1](https://github.com/acme/shop/blob/"
        "0123456789abcdef0123456789abcdef01234567/Dockerfile#L1)"
    ) in summary

    # The SARIF upload ran inside the action, on the file the lint step wrote.
    assert run.uploads == [{"sarif_file": "shiplint.sarif", "category": "shiplint"}]

    # Findings at the default fail-level fail the action after the upload.
    assert run.failed is not None and run.failed.returncode == 1
    assert "shiplint exited with 1" in run.failed.stderr
    outputs = run.action_outputs(runner)
    assert outputs["exit-code"] == "1" and outputs["sarif-file"] == "shiplint.sarif"
    assert outputs["version"] == __version__


@pytest.mark.slow
def test_with_the_baseline_recorded_the_action_passes(first_run: tuple[Runner, ActionRun]) -> None:
    runner, installed = first_run
    shiplint = installed.outputs["install"]["shiplint"]
    subprocess.run(
        [shiplint, "check", "--write-baseline", ".shiplint-baseline.json"],
        cwd=runner.workspace,
        check=True,
        capture_output=True,
    )
    run = ActionRun(outputs={key: installed.outputs[key] for key in ("python", "spec", "install")})
    run = runner.run(run, only={"lint", None})
    assert run.failed is None, run.failed and run.failed.stderr
    lint = run.step("lint")
    assert "warning" not in lint.stderr
    assert lint.outputs["findings"] == "0" and lint.outputs["exit-code"] == "0"
    assert "No problems found." in lint.summary
    assert sarif_results(runner.workspace / "shiplint.sarif") == []
    (runner.workspace / ".shiplint-baseline.json").unlink()


@pytest.mark.slow
def test_without_summary_upload_or_failing(first_run: tuple[Runner, ActionRun]) -> None:
    runner, installed = first_run
    quiet = Runner(
        runner.workspace,
        runner.temp,
        {
            **runner.inputs,
            "summary": "false",
            "upload-sarif": "false",
            "fail-level": "none",
            "sarif-file": "",
        },
    )
    run = ActionRun(outputs={key: installed.outputs[key] for key in ("python", "spec", "install")})
    run = quiet.run(run, only={"lint", None})
    assert run.failed is None
    lint = run.step("lint")
    assert lint.outputs["sarif-file"] == str(runner.temp / "shiplint.sarif")
    assert sarif_results(runner.temp / "shiplint.sarif")
    assert lint.outputs["exit-code"] == "0" and run.summary == "" and run.uploads == []


@pytest.mark.slow
def test_a_configuration_error_stops_before_the_upload(first_run: tuple[Runner, ActionRun]) -> None:
    runner, installed = first_run
    broken = Runner(
        runner.workspace, runner.temp, {**runner.inputs, "args": "--select no-such-rule"}
    )
    run = ActionRun(outputs={key: installed.outputs[key] for key in ("python", "spec", "install")})
    run = broken.run(run, only={"lint", None})
    assert run.failed is not None and run.failed.returncode == 2
    assert "unknown rule code, name or alias 'no-such-rule'" in run.failed.stderr
    assert run.uploads == []


# ---------------------------------------------------------------------------- README


def readme_workflow() -> dict[str, Any]:
    section = README.split("### GitHub Actions and code scanning", 1)[1]
    block = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert block
    workflow: dict[str, Any] = yaml.safe_load(block.group(1))
    return workflow


def test_readme_workflow_is_valid_and_uses_the_action_as_documented(tmp_path: Path) -> None:
    text = README.split("### GitHub Actions and code scanning", 1)[1]
    block = re.search(r"```yaml\n(.*?)```", text, re.DOTALL)
    assert block
    path = tmp_path / "shiplint.yml"
    path.write_text(block.group(1), encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    workflow = readme_workflow()
    job = next(iter(workflow["jobs"].values()))
    permissions = {**workflow.get("permissions", {}), **job.get("permissions", {})}
    assert permissions == {"contents": "read", "security-events": "write", "actions": "read"}
    step = next(s for s in job["steps"] if s.get("uses", "").startswith("shiplint/shiplint@"))
    # The tag the README shows is the version being released.
    assert step["uses"] == f"shiplint/shiplint@v{__version__}"
    assert set(step.get("with", {})) <= set(ACTION["inputs"])
    # The upload happens inside the action: no second upload step to keep in sync.
    assert not any("upload-sarif" in s.get("uses", "") for s in job["steps"])


# ---------------------------------------------------------------------------- baseline


def test_missing_baseline_is_a_warning_and_a_normal_run(tmp_path: Path) -> None:
    """The first CI run, before the baseline is committed: SARIF written, exit by findings."""
    repo = git_repository(tmp_path / "repo")
    done = subprocess.run(
        [
            "shiplint",
            "check",
            "--baseline",
            "base.json",
            "--format",
            "sarif",
            "--output-file",
            "out.sarif",
        ],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr == (
        "shiplint: warning: base.json: no such baseline file; every finding counts as new "
        "(record them with --write-baseline base.json)\n"
    )
    assert sarif_results(repo / "out.sarif")
    clean = subprocess.run(
        ["shiplint", "check", "--baseline", "base.json", "--fail-level", "none"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert clean.returncode == 0 and "no such baseline file" in clean.stderr
    # A baseline that exists but is not one is still an error.
    (repo / "base.json").write_text("{}", encoding="utf-8")
    broken = subprocess.run(
        ["shiplint", "check", "--baseline", "base.json"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert broken.returncode == 2 and "not a shiplint baseline" in broken.stderr
