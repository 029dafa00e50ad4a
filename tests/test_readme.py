"""The README's rule table and example output are generated, never written by hand.

Run with SHIPLINT_UPDATE=1 to regenerate them after changing rules or the example.
"""

from __future__ import annotations

import re
from pathlib import Path

from goldens import stale, updating
from lintrun import run_cli

from linter.docs import README_BEGIN, README_END, rules_table
from linter.registry import default_registry

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
EXAMPLE_BEGIN, EXAMPLE_END = "<!-- example:begin -->", "<!-- example:end -->"
GRAPH_BEGIN, GRAPH_END = "<!-- graph:begin -->", "<!-- graph:end -->"


def _replace(text: str, begin: str, end: str, body: str) -> str:
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.DOTALL)
    return pattern.sub(lambda _: f"{begin}\n{body}{end}", text)


def _expected() -> str:
    text = README.read_text(encoding="utf-8")
    table = rules_table(default_registry().sorted_rules())
    text = _replace(text, README_BEGIN, README_END, table)
    _, out, _ = run_cli(ROOT, ["check", "examples/", "--format", "concise", "--jobs", "1"])
    text = _replace(text, EXAMPLE_BEGIN, EXAMPLE_END, f"```text\n{out}```\n")
    _, graph, _ = run_cli(ROOT, ["graph", "examples/", "--jobs", "1"])
    return _replace(text, GRAPH_BEGIN, GRAPH_END, f"```mermaid\n{graph}```\n")


def test_readme_is_generated_from_rules_and_example() -> None:
    expected = _expected()
    if updating():
        README.write_text(expected, encoding="utf-8")
    assert README.read_text(encoding="utf-8") == expected, stale("README")


def test_rule_reference_page_is_generated_and_anchors_match_the_links() -> None:
    """docs/rules.md is what the SARIF helpUri and the Markdown report link to."""
    from linter.docs import rules_markdown
    from linter.reporters.base import RULES_DOCUMENT, docs_anchor

    rules = default_registry().sorted_rules()
    page = ROOT / RULES_DOCUMENT
    expected = rules_markdown(rules)
    if updating():
        page.parent.mkdir(exist_ok=True)
        page.write_text(expected, encoding="utf-8")
    assert page.read_text(encoding="utf-8") == expected, stale(str(RULES_DOCUMENT))
    # GitHub's (and GitLab's) heading anchors: lower case, punctuation but - and _ dropped,
    # spaces to hyphens.
    slugs = {
        re.sub(r"[^\w\- ]", "", line[3:].strip().lower()).replace(" ", "-")
        for line in expected.splitlines()
        if line.startswith("## ")
    }
    assert {docs_anchor(rule.code, rule.name) for rule in rules} <= slugs
