"""Escaping for the XML formats (checkstyle, junit) without an XML library."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

# Characters XML 1.0 forbids even as references; a message quoting binary junk must not make
# the whole report unparseable.
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_ATTRIBUTE_ENTITIES = {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}

HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n'


def _clean(text: str) -> str:
    return _INVALID.sub("\ufffd", text)


def attribute(text: str | int) -> str:
    """A double-quoted attribute value; newlines survive as character references."""
    return '"' + escape(_clean(str(text)), _ATTRIBUTE_ENTITIES) + '"'


def text(value: str) -> str:
    return escape(_clean(value), {"\r": "&#13;"})
