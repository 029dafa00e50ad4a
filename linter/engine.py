"""The run: parse each file once, run the selected rules, filter, sort.

The engine knows files, rules and settings; it never prints. The CLI, the fixer and the
language server all call :func:`run` or :func:`lint_source`. Files are found by
:mod:`linter.project` and read (with the build links between them) by :mod:`linter.loading`;
the engine's own findings take their codes from :mod:`linter.builtin_codes`.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from linter.builtin_codes import (
    INTERNAL_ERROR,
    UNREADABLE,
    UNUSED_SUPPRESSION,
    about_the_input,
    code_for,
)
from linter.context import ComposeContext, DockerfileContext
from linter.diagnostics import Diagnostic, Severity, Span
from linter.dispatch import ComposeRules, Crashes, DockerfileRules
from linter.dockerfile.ast import Dockerfile, ParseError
from linter.loading import (
    build_links,
    load_compose,
    parse_dockerfile_file,
    unreadable_dockerfile,
    unreadable_project,
)
from linter.patterns import lazy_compile
from linter.project import Kind, classify, discover, display_path, group_compose
from linter.records import field, record, replace
from linter.registry import (
    KINDS,
    Registry,
    Selection,
    default_registry,
    is_subcode,
    select_rules,
)
from linter.rule import Rule
from linter.source import SourceError, read_source
from linter.suppressions import (
    BUILDKIT_ALL,
    Pragma,
    apply_pragmas,
    compose_pragmas,
    dockerfile_pragmas,
)

_Rules = TypeVar("_Rules", DockerfileRules, ComposeRules)
PARALLEL_THRESHOLD = 24  # below this many files, worker start-up costs more than it saves
_BUILDKIT_NAME = lazy_compile(r"^[A-Z][a-z]+(?:[A-Z][a-z0-9]*)+$")


@record
class Settings:
    """Everything that decides what a run reports, resolved from the CLI and the config."""

    cwd: str = field(default_factory=os.getcwd)
    config_root: str = field(default_factory=os.getcwd)
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    severity: tuple[tuple[str, Severity], ...] = ()
    exclude: tuple[str, ...] = ()
    options: tuple[tuple[str, Any], ...] = ()
    disable_ignore_pragma: bool = False
    build_context: str | None = None  # --context: the build context of Dockerfiles given
    kind: Kind | None = None  # --kind for explicitly given files
    jobs: int | None = None
    # Kinds whose parsed files stay on FileResult.model ("dockerfile", "compose"): what
    # ``shiplint graph`` and the markdown report draw, parsed once
    keep_models: tuple[Kind, ...] = ()

    def option_map(self) -> dict[str, Any]:
        return dict(self.options)


@record(frozen=False)
class FileResult:
    path: str  # display path
    kind: Kind
    source: str | None
    diagnostics: list[Diagnostic]
    internal_error: bool = False
    # With Settings.keep_models: the Dockerfile, or the (ComposeProject, build links) pair
    model: Any = field(default=None, compare=False, repr=False)


@record(frozen=False)
class RunResult:
    files: list[FileResult]
    missing: list[str] = field(default_factory=list)
    # The Dockerfiles given or found as such (resolved), as opposed to those linted only
    # because a compose service builds them: ``shiplint graph`` draws them on their own.
    found_dockerfiles: frozenset[Path] = frozenset()

    @property
    def diagnostics(self) -> list[Diagnostic]:
        found = [d for result in self.files for d in result.diagnostics]
        return sorted(found, key=lambda d: d.sort_key)

    @property
    def internal_error(self) -> bool:
        return any(result.internal_error for result in self.files)

    @property
    def sources(self) -> dict[str, str]:
        return {r.path: r.source for r in self.files if r.source is not None}


class _Prepared:
    """Registry plus resolved selection, built once per process."""

    def __init__(self, settings: Settings, registry: Registry | None = None) -> None:
        self.settings = settings
        self.registry = registry or default_registry()
        self.generation = self.registry.generation
        self.selection: Selection = select_rules(
            self.registry, settings.select, settings.extend_select, settings.ignore
        )
        enabled = [self.registry.rules[code] for code in sorted(self.selection.enabled)]
        # The selected rules of each kind of file, grouped by target for the dispatch
        self.dockerfile_rules = DockerfileRules(r for r in enabled if r.target.kind == "dockerfile")
        self.compose_rules = ComposeRules(r for r in enabled if r.target.kind == "compose")
        # Syntax rules read the whole file; the others only what BuildKit would accept
        self.syntax_rules = self.dockerfile_rules.subset(
            r for r in self.dockerfile_rules.rules if r.tags[:1] == ("syntax",)
        )
        self.readable_rules = self.dockerfile_rules.subset(
            r for r in self.dockerfile_rules.rules if r.tags[:1] != ("syntax",)
        )
        self.severity: dict[str, Severity] = {}
        for key, level in settings.severity:
            if is_subcode(key):
                self.severity[key.upper()] = level
            else:
                for code in self.registry.expand(key):
                    self.severity[code] = level
        self.per_file: list[tuple[str, Selection]] = [
            (pattern, select_rules(self.registry, list(codes)))
            for pattern, codes in settings.per_file_ignores
        ]
        self.options = settings.option_map()

    def matches(self, key: str, diagnostic: Diagnostic) -> bool:
        if key == BUILDKIT_ALL:
            rule = self.registry.rules.get(diagnostic.code)
            return rule is not None and any(_BUILDKIT_NAME.match(a) for a in rule.aliases)
        if diagnostic.subcode is not None and key.upper() == diagnostic.subcode.upper():
            return True
        return self.registry.resolve(key) == diagnostic.code


_PREPARED: dict[Settings, _Prepared] = {}


def prepare(settings: Settings, registry: Registry | None = None) -> _Prepared:
    """The per-process cache of the registry and selection for these settings."""
    prepared = _PREPARED.get(settings)
    if (
        prepared is None
        or (registry is not None and prepared.registry is not registry)
        or prepared.generation != prepared.registry.generation
    ):
        prepared = _Prepared(settings, registry)
        _PREPARED[settings] = prepared
    return prepared


# ---------------------------------------------------------------------------- helpers


def _internal_error(
    prepared: _Prepared, kind: Kind, path: str, rule: Rule, error: BaseException
) -> Diagnostic:
    code = code_for(kind, INTERNAL_ERROR)
    meta = prepared.registry.rules.get(code)
    import traceback

    where = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
    location = f" at {Path(where.filename).name}:{where.lineno}" if where else ""
    return Diagnostic(
        path=path,
        code=code,
        name=meta.name if meta else "internal-error",
        message=(
            f"rule {rule.code} ({rule.name}) crashed on this file: "
            f"{type(error).__name__}: {error}{location}; please report it"
        ),
        severity=Severity.ERROR,
        span=Span.of(1, 1, 1, 1),
    )


def _run_rules(
    prepared: _Prepared,
    kind: Kind,
    path: str,
    rules: DockerfileRules | ComposeRules,
    context: Any,
) -> tuple[list[Diagnostic], bool]:
    """The rules' findings on one file, a rule that crashed reported once as an internal
    error (after the findings, in code order) while the others go on."""
    found, dead = rules.run(context)
    return found + _crash_findings(prepared, kind, path, dead), bool(dead)


def _crash_findings(prepared: _Prepared, kind: Kind, path: str, dead: Crashes) -> list[Diagnostic]:
    return [
        _internal_error(prepared, kind, path, rule, dead[rule])
        for rule in sorted(dead, key=lambda rule: rule.code)
    ]


def _only(rules: _Rules, code: str) -> _Rules:
    """The rule with this code, when the selection runs it (for a file only it can judge)."""
    return rules.subset(rule for rule in rules.rules if rule.code == code)


def _relative_to_root(path: str, settings: Settings) -> str:
    absolute = Path(settings.cwd, path).resolve()
    try:
        return absolute.relative_to(Path(settings.config_root).resolve()).as_posix()
    except ValueError:
        return absolute.as_posix()


def _finish(
    prepared: _Prepared, kind: Kind, path: str, diagnostics: list[Diagnostic], pragmas: list[Pragma]
) -> list[Diagnostic]:
    """Selection, per-file ignores, pragmas, severity overrides, unused-pragma findings."""
    selection = prepared.selection
    internal = code_for(kind, INTERNAL_ERROR)
    # A value shared through a YAML anchor or merge key is seen once per service that uses
    # it; the same finding at the same place is reported once.
    diagnostics = list(dict.fromkeys(diagnostics))
    if kind == "compose" and len(diagnostics) > 1:
        diagnostics = merge_shared(diagnostics)
    kept = [
        d
        for d in diagnostics
        if (d.code in selection or d.code == internal)
        and not (d.subcode and d.subcode.upper() in selection.ignored_subcodes)
    ]
    if prepared.per_file:
        relative = _relative_to_root(path, prepared.settings)
        for pattern, ignored in prepared.per_file:
            if fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(path, pattern):
                kept = [
                    d
                    for d in kept
                    if d.code not in ignored.enabled
                    and not (d.subcode and d.subcode.upper() in ignored.ignored_subcodes)
                ]
    if not prepared.settings.disable_ignore_pragma and pragmas:
        kept = apply_pragmas(kept, pragmas, prepared.matches)
        unused_code = code_for(kind, UNUSED_SUPPRESSION)
        unused_rule = prepared.registry.rules.get(unused_code)
        if unused_rule is not None and unused_code in selection:
            for pragma in pragmas:
                if pragma.used or pragma.source == "buildkit":
                    continue
                message = _unused_message(prepared, pragma)
                if message is not None:
                    kept.append(unused_rule.report(path, pragma.span, message))
    if prepared.severity:
        kept = [_override_severity(d, prepared.severity) for d in kept]
    return kept


_SERVICE_NAMED = lazy_compile(r"\bservice '([^']+)'")
_SHARED_SUFFIX = lazy_compile(
    r" \(also in services? (.+), which shares? this value through a YAML anchor, merge key "
    r"or extends\)$"
)


def _shared_parts(message: str) -> tuple[str, list[str]] | None:
    """A finding's message with its service name blanked out, and the services it names
    (the one in the message, then those of an "also in" note); None when it names none."""
    suffix = _SHARED_SUFFIX.search(message)
    others = suffix.group(1).split(", ") if suffix else []
    if suffix:
        message = message[: suffix.start()]
    match = _SERVICE_NAMED.search(message)
    if match is None:
        return None
    return message.replace(match.group(0), "service ''", 1), [match.group(1), *others]


def merge_shared(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """One finding per value written once and inherited by several services (a YAML anchor,
    a ``<<`` merge, ``extends``): the findings of one rule at one place whose messages differ
    only by the service they name become the first one, naming the others."""
    groups: dict[tuple[str, str, Span, str], list[tuple[Diagnostic, list[str]]]] = {}
    for diagnostic in diagnostics:
        parts = _shared_parts(diagnostic.message)
        if parts is not None:
            key = (diagnostic.path, diagnostic.code, diagnostic.span, parts[0])
            groups.setdefault(key, []).append((diagnostic, parts[1]))
    merged: dict[int, Diagnostic] = {}
    dropped: set[int] = set()
    for group in groups.values():
        if len(group) < 2:
            continue
        first, names = group[0]
        for other, other_names in group[1:]:
            names.extend(name for name in other_names if name not in names)
            dropped.add(id(other))
        base = first.message
        suffix = _SHARED_SUFFIX.search(base)
        if suffix:
            base = base[: suffix.start()]
        others = names[1:]
        if others:
            verb = "share" if len(others) > 1 else "shares"
            plural = "services" if len(others) > 1 else "service"
            base += (
                f" (also in {plural} {', '.join(others)}, which {verb} this value through "
                "a YAML anchor, merge key or extends)"
            )
        merged[id(first)] = replace(first, message=base)
    return [merged.get(id(d), d) for d in diagnostics if id(d) not in dropped]


def _unused_message(prepared: _Prepared, pragma: Pragma) -> str | None:
    """Why a pragma that silenced nothing is worth reporting, or None when it is not.

    A pragma for rules that did not run this time (``--select`` narrowed the run) is not
    unused; one naming no rule at all is.
    """
    unknown = [
        key
        for key in pragma.keys
        if key != "*" and not is_subcode(key) and prepared.registry.resolve(key) is None
    ]
    if unknown:
        return f"this suppression names unknown codes ({', '.join(unknown)}): it suppresses nothing"
    keys = ", ".join(pragma.keys)
    if "*" in pragma.keys:
        return "this suppression (all rules) suppresses nothing"
    if any(prepared.registry.resolve(key) in prepared.selection for key in pragma.keys):
        return f"this suppression ({keys}) suppresses nothing"
    return None


def _override_severity(diagnostic: Diagnostic, overrides: Mapping[str, Severity]) -> Diagnostic:
    level = None
    if diagnostic.subcode is not None:
        level = overrides.get(diagnostic.subcode.upper())
    if level is None:
        level = overrides.get(diagnostic.code)
    return diagnostic if level is None else replace(diagnostic, severity=level)


# ---------------------------------------------------------------------------- Dockerfiles


def dockerfile_context(
    dockerfile: Dockerfile,
    file_path: Path | None,
    build_context: Path | None,
    options: Mapping[str, Any],
    service: str | None = None,
) -> DockerfileContext:
    """The context rules get for a Dockerfile, with the .dockerignore of its build context."""
    ignore = None
    ignore_path = None
    if build_context is not None and build_context.is_dir():
        from linter.dockerfile.dockerignore import DockerIgnore, find_dockerignore

        ignore_path = find_dockerignore(build_context, file_path)
        if ignore_path is not None:
            try:
                ignore = DockerIgnore.parse(read_source(ignore_path).text)
            except SourceError:
                ignore = None
    return DockerfileContext(
        dockerfile=dockerfile,
        build_context=build_context,
        dockerignore=ignore,
        dockerignore_path=ignore_path,
        options=options,
        service=service,
    )


def _run_on_readable_view(
    prepared: _Prepared, display: str, context: DockerfileContext
) -> tuple[list[Diagnostic], bool]:
    """Syntax rules see the whole file; the others only what BuildKit would accept.

    An instruction whose flags BuildKit rejects is reported once, at the flag; read as
    something else (``COPY --from build a b`` as a copy of two sources) it would only
    produce findings about a meaning the file does not have.
    """
    from linter.dockerfile.parser import readable_view

    found, dead = prepared.syntax_rules.run(context)
    # A context of its own: the view's answers (stages, scopes) are not the file's
    view = replace(context, dockerfile=readable_view(context.dockerfile), memo={})
    more, more_dead = prepared.readable_rules.run(view)
    dead.update(more_dead)
    return found + more + _crash_findings(prepared, "dockerfile", display, dead), bool(dead)


def lint_dockerfile(
    prepared: _Prepared,
    path: Path,
    display: str,
    text: str | None = None,
    build_context: Path | None = None,
    service: str | None = None,
    dockerfile: Dockerfile | None = None,
) -> FileResult:
    if dockerfile is None:
        dockerfile, text = parse_dockerfile_file(path, display, text)
    elif text is None:
        text = dockerfile.source
    rules = prepared.dockerfile_rules
    if any(error.kind in ("unreadable", "wrong-kind") for error in dockerfile.errors):
        rules = _only(rules, code_for("dockerfile", UNREADABLE))
        context = DockerfileContext(dockerfile=dockerfile, options=prepared.options)
        found, crashed = _run_rules(prepared, "dockerfile", display, rules, context)
    else:
        context = dockerfile_context(dockerfile, path, build_context, prepared.options, service)
        if any(error.kind == "flag" for error in dockerfile.errors):
            found, crashed = _run_on_readable_view(prepared, display, context)
        else:
            found, crashed = _run_rules(prepared, "dockerfile", display, rules, context)
    pragmas = dockerfile_pragmas(dockerfile) if dockerfile.instructions else []
    return FileResult(
        display,
        "dockerfile",
        text,
        _finish(prepared, "dockerfile", display, found, pragmas),
        crashed,
        dockerfile if "dockerfile" in prepared.settings.keep_models else None,
    )


# ---------------------------------------------------------------------------- compose


def lint_wrong_kind(
    prepared: _Prepared, kind: Kind, display: str, message: str, text: str | None
) -> FileResult:
    """The one finding for a file that is neither a Dockerfile nor a compose file: the
    compose "unreadable" code when it is YAML (it was probably meant as compose), the
    Dockerfile one otherwise."""
    if kind == "compose":
        project = unreadable_project(display, message, "wrong-kind", text or "")
        context = ComposeContext(project=project, options=prepared.options)
        rules = _only(prepared.compose_rules, code_for("compose", UNREADABLE))
        found, crashed = _run_rules(prepared, "compose", display, rules, context)
        pragmas = compose_pragmas(text) if text else []
        return FileResult(
            display, "compose", text, _finish(prepared, "compose", display, found, pragmas), crashed
        )
    dockerfile = replace(
        unreadable_dockerfile(display, message),
        source=text or "",
        errors=(ParseError("wrong-kind", message, Span.of(1, 1, 1, 1)),),
    )
    return lint_dockerfile(prepared, Path(display), display, dockerfile=dockerfile)


def lint_compose(
    prepared: _Prepared,
    path: Path,
    display: str,
    overrides: list[Path] | None,
    text: str | None = None,
    follow_builds: bool = True,
) -> tuple[list[FileResult], set[Path]]:
    """Lint a compose project and the Dockerfiles its services build."""
    from linter.compose.model import ComposeFile

    project = load_compose(path, display, overrides, text)
    cache: dict[Path, Dockerfile | None] = {}
    links = build_links(project, cache) if project.root is not None else []
    context = ComposeContext(project=project, builds=tuple(links), options=prepared.options)
    rules = prepared.compose_rules
    if project.root is None:
        rules = rules.subset(rule for rule in rules.rules if about_the_input(rule.code, "compose"))
    found, crashed = _run_rules(prepared, "compose", display, rules, context)
    by_path: dict[str, list[Diagnostic]] = {}
    for diagnostic in found:
        by_path.setdefault(diagnostic.path, []).append(diagnostic)
    results = []
    for compose_file in project.files or (ComposeFile(display, text or "", None),):
        diagnostics = by_path.pop(compose_file.path, [])
        pragmas = compose_pragmas(compose_file.source)
        results.append(
            FileResult(
                compose_file.path,
                "compose",
                compose_file.source,
                _finish(prepared, "compose", compose_file.path, diagnostics, pragmas),
                crashed,
            )
        )
    if "compose" in prepared.settings.keep_models:
        results[0].model = (project, links)
    for other_path, diagnostics in by_path.items():  # findings placed in linked Dockerfiles
        results.append(
            FileResult(
                other_path,
                "compose",
                None,
                _finish(prepared, "compose", other_path, diagnostics, []),
                crashed,
            )
        )
    linted: set[Path] = set()
    if follow_builds:
        cwd = Path(prepared.settings.cwd)
        for link in links:
            key = link.dockerfile_path.resolve()
            if link.remote or link.dockerfile is None or key in linted:
                continue
            linted.add(key)
            shown = display_path(link.dockerfile_path, cwd)
            parsed = replace(link.dockerfile, path=shown)
            results.append(
                lint_dockerfile(
                    prepared,
                    link.dockerfile_path,
                    shown,
                    build_context=link.context_dir,
                    service=link.service.name,
                    dockerfile=parsed,
                )
            )
    return results, linted


# ---------------------------------------------------------------------------- runs


@record
class _Unit:
    kind: Kind
    path: str
    overrides: tuple[str, ...] | None = None
    mismatch: str | None = None  # neither kind: why (see ``lint_wrong_kind``)
    resolved: str | None = None  # the path resolved by discovery (see ``SourceFile``)


def _run_unit(settings: Settings, unit: _Unit) -> tuple[list[FileResult], set[Path]]:
    prepared = prepare(settings)
    cwd = Path(settings.cwd)
    path = Path(unit.path)
    shown = display_path(path, cwd, Path(unit.resolved) if unit.resolved else None)
    if unit.mismatch is not None:
        try:
            text: str | None = read_source(path).text
        except SourceError:
            text = None
        return [lint_wrong_kind(prepared, unit.kind, shown, unit.mismatch, text)], set()
    if unit.kind == "compose":
        overrides = None if unit.overrides is None else [Path(p) for p in unit.overrides]
        return lint_compose(prepared, path, shown, overrides)
    context = Path(settings.build_context) if settings.build_context else path.parent
    return [lint_dockerfile(prepared, path, shown, build_context=context)], set()


def _map_units(
    settings: Settings, units: Sequence[_Unit], jobs: int, done: Callable[[], None] | None = None
) -> list[tuple[list[FileResult], set[Path]]]:
    """Lint the units, in parallel processes when ``jobs`` > 1; ``done`` is called after each."""
    results: list[tuple[list[FileResult], set[Path]]] = []
    if jobs <= 1 or len(units) < 2:
        for unit in units:
            results.append(_run_unit(settings, unit))
            if done:
                done()
        return results
    from concurrent.futures import ProcessPoolExecutor  # only parallel runs pay for it

    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_ignore_interrupts)
    try:
        for result in pool.map(
            _run_unit, [settings] * len(units), units, chunksize=max(1, len(units) // (jobs * 4))
        ):
            results.append(result)
            if done:
                done()
    except BaseException:  # Ctrl-C: drop the queued work instead of waiting for it
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return results


def _ignore_interrupts() -> None:
    """Workers leave Ctrl-C to the main process, which stops the run (exit 130); otherwise
    every worker would print its own KeyboardInterrupt traceback."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def effective_jobs(settings: Settings, file_count: int) -> int:
    if settings.jobs is not None:
        return max(1, settings.jobs)
    if file_count < PARALLEL_THRESHOLD:
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def kinds_needed(paths: Sequence[str], kind: Kind | None = None) -> frozenset[str]:
    """The kinds of rules a run over ``paths`` needs, told without walking any folder:
    only Dockerfile rules when every path is a file of that kind (a pre-commit hook's list
    of Dockerfiles, say), else every kind."""
    only_dockerfiles = bool(paths) and all(
        raw != "-" and Path(raw).is_file() and (kind or classify(Path(raw).name)) == "dockerfile"
        for raw in paths
    )
    return frozenset({"dockerfile"}) if only_dockerfiles else KINDS


def run(
    paths: Sequence[str], settings: Settings, progress: Callable[[int, int], None] | None = None
) -> RunResult:
    """Lint files and folders: compose projects first (they know their Dockerfiles' contexts)."""
    prepare(settings)  # fail early on bad selectors, before any work
    sources, missing = discover(paths, settings.exclude, Path(settings.config_root), settings.kind)
    projects = group_compose(sources)
    if projects:  # compose rules, and Dockerfile rules for the Dockerfiles services build
        prepare(settings).registry.ensure()
    compose_units = [
        _Unit(
            "compose",
            str(source.path),
            None if overrides is None else tuple(str(p) for p in overrides),
            source.mismatch,
            str(source.resolved) if source.resolved else None,
        )
        for source, overrides in projects
    ]
    jobs = effective_jobs(settings, len(sources))
    results: list[FileResult] = []
    linked: set[Path] = set()
    counted = [0]

    def done() -> None:
        counted[0] += 1
        if progress:
            progress(counted[0], len(sources))

    for unit_results, unit_linked in _map_units(settings, compose_units, jobs, done):
        results.extend(unit_results)
        linked |= unit_linked
    found_dockerfiles = {
        (source.resolved or source.path.resolve()): source
        for source in sources
        if source.kind == "dockerfile"
    }
    dockerfile_units = [
        _Unit("dockerfile", str(source.path), mismatch=source.mismatch, resolved=str(resolved))
        for resolved, source in found_dockerfiles.items()
        if resolved not in linked
    ]
    counted[0] = len(sources) - len(dockerfile_units)  # Dockerfiles linted with their compose
    for unit_results, _ in _map_units(settings, dockerfile_units, jobs, done):
        results.extend(unit_results)
    if progress:
        progress(len(sources), len(sources))
    merged: dict[str, FileResult] = {}
    for result in results:
        if result.path in merged:
            existing = merged[result.path]
            seen = set(existing.diagnostics)
            existing.diagnostics.extend(d for d in result.diagnostics if d not in seen)
            if existing.kind == "compose":  # a file shared by projects (extends, include)
                existing.diagnostics[:] = merge_shared(existing.diagnostics)
            existing.internal_error |= result.internal_error
            if existing.source is None:
                existing.source = result.source
        else:
            merged[result.path] = result
    reported = _named(paths, Path(settings.cwd))
    ordered = sorted((r for r in merged.values() if reported(r.path)), key=lambda r: r.path)
    for result in ordered:
        result.diagnostics.sort(key=lambda d: d.sort_key)
    return RunResult(ordered, missing, frozenset(found_dockerfiles))


def _named(paths: Sequence[str], cwd: Path) -> Callable[[str], bool]:
    """Whether a file is reported: it was named, or is under a named folder. A file brought
    in only as context (the Dockerfile a compose service builds, an override or included
    file) feeds the cross-file rules, but its own findings wait until it is named, so a
    pre-commit run over a changed compose.yaml is not blocked by an untouched Dockerfile."""
    # A file shown as it was named needs no system call (a pre-commit run names every file);
    # the others are compared with the named files and folders, resolved once when needed.
    as_named = {os.path.normpath(raw) for raw in paths}
    named: list[tuple[set[Path], list[Path]]] = []

    def resolved() -> tuple[set[Path], list[Path]]:
        if not named:
            files: set[Path] = set()
            folders: list[Path] = []
            for raw in paths:
                path = Path(cwd, raw).resolve()
                if path.is_dir():
                    folders.append(path)
                else:
                    files.add(path)
            named.append((files, folders))
        return named[0]

    def reported(display: str) -> bool:
        if os.path.normpath(display) in as_named:
            return True
        files, folders = resolved()
        path = Path(cwd, display).resolve()
        return path in files or any(path.is_relative_to(folder) for folder in folders)

    return reported


def lint_unreadable(
    path: str,
    message: str,
    settings: Settings,
    kind: Kind | None = None,
    registry: Registry | None = None,
) -> FileResult:
    """The result for input that could not be decoded (stdin, an editor buffer)."""
    prepared = prepare(settings, registry)
    file_kind: Kind = kind or settings.kind or classify(Path(path).name) or "dockerfile"
    if file_kind == "compose":
        project = unreadable_project(path, message)
        context = ComposeContext(project=project, options=prepared.options)
        rules = _only(prepared.compose_rules, code_for("compose", UNREADABLE))
        found, crashed = _run_rules(prepared, "compose", path, rules, context)
        return FileResult(
            path, "compose", None, _finish(prepared, "compose", path, found, []), crashed
        )
    return lint_dockerfile(
        prepared, Path(path), path, dockerfile=unreadable_dockerfile(path, message)
    )


def lint_source(
    text: str,
    path: str,
    settings: Settings,
    kind: Kind | None = None,
    registry: Registry | None = None,
) -> FileResult:
    """Lint one in-memory buffer (stdin, an editor) as if it were the file ``path``.

    With no kind given and a name that says nothing, the content decides (``sniff``).
    """
    prepared = prepare(settings, registry)
    named = kind or settings.kind or classify(Path(path).name)
    if named is None:
        from linter.project import sniff

        found = sniff(text, path)
        if found.kind is None:
            wrong: Kind = "compose" if found.yaml else "dockerfile"
            return lint_wrong_kind(prepared, wrong, path, found.message, text)
        named = found.kind
    file_kind: Kind = named
    file_path = Path(path)
    if file_kind == "compose":
        results, _ = lint_compose(prepared, file_path, path, None, text, follow_builds=False)
        for result in results:
            if result.path == path:
                result.diagnostics.sort(key=lambda d: d.sort_key)
                return result
        return FileResult(path, "compose", text, [])
    context_dir = Path(settings.build_context) if settings.build_context else file_path.parent
    result = lint_dockerfile(
        prepared,
        file_path,
        path,
        text=text,
        build_context=context_dir if context_dir.is_dir() else None,
    )
    result.diagnostics.sort(key=lambda d: d.sort_key)
    return result
