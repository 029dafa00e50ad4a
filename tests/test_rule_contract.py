"""Every rule has valid metadata, a fixture file, docs whose examples behave, and peer aliases."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from lintrun import lint_json, write_files
from peer_ids import ALL as PEER_IDS

from linter.registry import default_registry
from linter.rule import Rule, metadata_problems

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
ENGINE_MADE = {"DF000", "DC000"}  # internal-error findings: no input can produce them on purpose

REGISTRY = default_registry()
RULES = REGISTRY.sorted_rules()


def _files(rule: Rule, example: object) -> dict[str, str]:
    if isinstance(example, str):
        name = "Dockerfile" if rule.target.kind == "dockerfile" else "compose.yaml"
        return {name: example}
    assert isinstance(example, dict)
    return {str(k): str(v) for k, v in example.items()}


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_metadata_is_valid(rule: Rule) -> None:
    assert metadata_problems(rule) == []
    assert rule.summary and not rule.summary.endswith(".")
    assert len(rule.description.split()) >= 12, "docs must say what and why"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_has_fixture(rule: Rule) -> None:
    fixture = FIXTURES / f"{rule.code}.yaml"
    if rule.code in ENGINE_MADE:
        pytest.skip("engine-made finding")
    assert fixture.is_file(), f"{rule.code} has no fixtures/{rule.code}.yaml"
    data = yaml.safe_load(fixture.read_text(encoding="utf-8"))
    assert data["rule"] == rule.code
    cases = data["cases"]
    assert any(case.get("expect") for case in cases), "needs a failing case"
    assert any(not case.get("expect") for case in cases), "needs a passing case"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_docs_examples(rule: Rule, tmp_path: Path) -> None:
    if rule.code in ENGINE_MADE:
        pytest.skip("engine-made finding")
    for label, example, should_fire in (("bad", rule.bad, True), ("good", rule.good, False)):
        folder = tmp_path / label
        folder.mkdir()
        (folder / ".shiplint.yaml").write_text("{}\n", encoding="utf-8")
        write_files(folder, _files(rule, example))
        found = [d for d in lint_json(folder, ["--select", rule.code]) if d["code"] == rule.code]
        assert bool(found) == should_fire, f"{label} example: {found}"
    assert rule.code in rule.docs and "Bad:" in rule.docs


def test_codes_names_aliases_are_unique() -> None:
    seen: dict[str, str] = {}
    for rule in RULES:
        for key in (rule.code, rule.name, *rule.aliases):
            assert key.lower() not in seen, f"{key} used by {seen.get(key.lower())} and {rule.code}"
            seen[key.lower()] = rule.code


@pytest.mark.parametrize("peer_id", PEER_IDS)
def test_peer_check_has_an_alias(peer_id: str) -> None:
    assert REGISTRY.resolve(peer_id) is not None, f"no rule carries the alias {peer_id}"


@pytest.mark.parametrize(
    "rule", [r for r in RULES if r.fixable.value != "never"], ids=lambda r: r.code
)
def test_fixable_rule_has_a_fix_fixture(rule: Rule) -> None:
    data = yaml.safe_load((FIXTURES / f"{rule.code}.yaml").read_text(encoding="utf-8"))
    assert any("fixed" in case for case in data["cases"]), (
        f"{rule.code} is fixable but no fixture case checks its fix output"
    )
