"""``python -m linter`` runs the same command line as ``shiplint``."""

from linter.cli import entry

entry()
