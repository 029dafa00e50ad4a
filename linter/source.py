"""Reading files safely: size limits, binary detection and decoding.

A linter must never crash on what it is given, so every failure becomes a
:class:`SourceError` with a message a user can act on.
"""

from __future__ import annotations

import codecs
import stat
from pathlib import Path

from linter.records import record

# Larger files are refused: real Dockerfiles and compose files are tens of KiB, and a file of
# a few MiB written as one instruction would take a minute to analyse.
MAX_FILE_BYTES = 1024 * 1024


class SourceError(Exception):
    """The file could not be turned into text; the message says why."""


@record
class SourceText:
    text: str
    encoding: str


def decode(data: bytes, max_bytes: int = MAX_FILE_BYTES) -> SourceText:
    """Decode file content as Docker does (UTF-8), accepting UTF-16/32 with a BOM."""
    if len(data) > max_bytes:
        raise SourceError(
            f"file is too large ({len(data) // 1024} KiB; the limit is {max_bytes // 1024} KiB)"
        )
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return SourceText(data.decode(encoding), encoding)
            except UnicodeDecodeError as error:
                raise SourceError(f"invalid {encoding.upper()} content: {error.reason}") from None
    if b"\x00" in data[:8192]:
        raise SourceError("binary content (NUL bytes): not a text file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise SourceError(
            f"invalid UTF-8 at byte {error.start} (line {line}); save the file as UTF-8"
        ) from None
    return SourceText(text, "utf-8")


def read_source(path: Path, max_bytes: int = MAX_FILE_BYTES) -> SourceText:
    """Read and decode a file, raising :class:`SourceError` for anything unusable."""
    try:
        if path.is_dir():
            raise SourceError("is a directory, not a file")
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            # A FIFO or a device (/dev/zero) would block or never end: never read those.
            raise SourceError("not a regular file (a pipe, socket or device)")
        size = info.st_size
        if size > max_bytes:
            raise SourceError(
                f"file is too large ({size // 1024} KiB; the limit is {max_bytes // 1024} KiB)"
            )
        data = path.read_bytes()
    except SourceError:
        raise
    except FileNotFoundError:
        raise SourceError("no such file") from None
    except PermissionError:
        raise SourceError("permission denied") from None
    except OSError as error:
        raise SourceError(error.strerror or str(error)) from None
    return decode(data, max_bytes)
