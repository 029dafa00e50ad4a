"""Image tags and source URLs that name no version, so what they point at moves.

Shared by the Dockerfile pinning rules (DF501, DF512) and compose's DC500.

A tag moves when none of its ``-``/``_``-separated parts names a version: ``latest``,
``stable``, ``edge``, ``mainline``, ``rolling``, ``lts`` and their like, alone or combined with
flavour words such as ``alpine`` or ``slim`` (``stable-slim``, ``lts-alpine``), and a flavour
alone (``node:alpine`` is the newest Node.js on the newest Alpine). A tag with a version
number (``3.20-alpine``, ``22-slim``) is pinned enough; so is a distribution codename
(``bookworm-slim``, ``jammy``, ``ltsc2022``) when the image is that distribution
(``debian:bookworm``, see ``_DISTRIBUTIONS``): a codename names one release, whose tag
receives security updates only. On any other image a codename is a flavour
(``python:bookworm`` moves with Python).
"""

from __future__ import annotations

import re

from linter.patterns import lazy_compile

# Channel names: they say which stream of releases, never which release.
CHANNELS = frozenset(
    {
        "latest",
        "stable",
        "edge",
        "mainline",
        "rolling",
        "lts",
        "current",
        "nightly",
        "dev",
        "devel",
        "develop",
        "beta",
        "alpha",
        "canary",
        "test",
        "testing",
        "unstable",
        "main",
        "master",
        "next",
        "experimental",
        "snapshot",
        "release",
        "insiders",
        "preview",
        "sid",
    }
)
# Flavour words: which build of a release, never which release. Not listed: distroless's
# ``nonroot`` and ``debug``, whose images publish no version tags at all (the Debian release
# is in the name, ``static-debian12``; only a digest pins further).
FLAVOURS = frozenset(
    {
        "alpine",
        "slim",
        "full",
        "jre",
        "jdk",
        "fpm",
        "apache",
        "cli",
        "zts",
        "musl",
        "glibc",
        "minimal",
        "headless",
        "runtime",
        "sdk",
        "perl",
        "windowsservercore",
        "nanoserver",
        "ubi",
    }
)


# Distribution release codenames: a release of the distribution image itself
# (``debian:bookworm``), but only a flavour of any other image (``python:bookworm`` is the
# newest Python built on bookworm, and moves with Python's releases).
CODENAMES = frozenset(
    {
        "stretch",
        "buster",
        "bullseye",
        "bookworm",
        "trixie",
        "forky",
        "xenial",
        "bionic",
        "focal",
        "jammy",
        "mantic",
        "noble",
        "oracular",
        "plucky",
        "questing",
        "ltsc",  # Windows Server releases: ltsc2019, ltsc2022, ltsc2025
    }
)
# Images that are a distribution release, or a thin layer over one that follows it
# (buildpack-deps, the devcontainers ``base`` images): a codename is their version.
_DISTRIBUTIONS = frozenset(
    {"debian", "ubuntu", "buildpack-deps", "base", "servercore", "nanoserver", "windows", "server"}
)
_VERSION_PART = re.compile(r"^v?\d")
_FLAVOUR_PART = re.compile(r"^([a-z]+?)[\d.]*$")


def moving_tag(tag: str | None, repository: str = "") -> bool:
    """Whether ``tag`` names no version (``None``, an untagged image, is DF500/DC500's case).

    ``repository`` is the image's name; it decides whether a codename is a version.
    """
    if not tag or "$" in tag or '"' in tag or "'" in tag:
        return False
    distribution = repository.lower().rsplit("/", 1)[-1] in _DISTRIBUTIONS
    parts = [part for part in re.split(r"[-_]", tag.lower()) if part]
    if not parts:
        return False
    for part in parts:
        if _VERSION_PART.match(part):
            return False  # 3.20-alpine, 22-slim, v1.4, 20240101
        word = _FLAVOUR_PART.match(part)
        base = word.group(1) if word else part
        if part in CHANNELS:
            continue
        if base in CODENAMES:
            if distribution:
                return False  # debian:bookworm-slim is one release
        elif base not in FLAVOURS:
            return False  # a word we do not know: assume it names a release
    return True


# Branch names that are never a release.
BRANCHES = frozenset(
    {
        "master",
        "main",
        "develop",
        "development",
        "dev",
        "trunk",
        "head",
        "next",
        "nightly",
        "gh-pages",
        "unstable",
    }
)
_BRANCH = "|".join(sorted(BRANCHES, key=len, reverse=True))
_BRANCH_URL = lazy_compile(
    r"(?i)^(?:https?://)?(?:"
    # GitHub archives: /archive/refs/heads/<any>.tar.gz, /archive/master.zip
    r"(?:www\.)?github\.com/[^/]+/[^/]+/archive/(?:refs/heads/[^/?#]+|(?:" + _BRANCH + r")\.)"
    r"|codeload\.github\.com/[^/]+/[^/]+/(?:tar\.gz|zip|legacy\.tar\.gz)/(?:refs/heads/|"
    r"(?:" + _BRANCH + r")(?:$|[/?#]))"
    # single files from a branch
    r"|raw\.githubusercontent\.com/[^/]+/[^/]+/(?:refs/heads/|(?:" + _BRANCH + r")/)"
    r"|(?:www\.)?github\.com/[^/]+/[^/]+/(?:raw|blob)/(?:refs/heads/|(?:" + _BRANCH + r")/)"
    # GitLab and Bitbucket
    r"|[^/]*gitlab[^/]*/.+/-/(?:archive|raw)/(?:" + _BRANCH + r")[/.]"
    r"|(?:www\.)?bitbucket\.org/[^/]+/[^/]+/(?:get|raw)/(?:" + _BRANCH + r")[/.]"
    r")"
)


def branch_head_url(url: str) -> bool:
    """Whether ``url`` downloads whatever a branch points at today."""
    return _BRANCH_URL.match(url) is not None
