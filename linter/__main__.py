"""``python -m linter`` runs the same command line as ``shiplint``."""

from linter.launch import entry

entry()
