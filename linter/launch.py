"""The console script's first code: set the process up for one short run, then run the CLI.

It imports nothing of shiplint before turning the cyclic garbage collector off: importing the
rules allocates many long-lived objects that the collector would walk again and again for
nothing (~25 ms of a cold run). ``linter.cli.end_of_start_up`` turns it back on.
"""

from __future__ import annotations

import gc
import os
import sys
from typing import NoReturn


def entry() -> NoReturn:
    """Run ``shiplint``; once the report is written, end without tearing the interpreter down.

    Freeing every module and object one by one took ~40 ms, a sixth of a pre-commit run;
    reports and files are written and closed by then, and no atexit handler of ours is pending.
    """
    gc.disable()
    try:
        from linter.cli import end_of_start_up, main

        try:
            code = main()
        finally:
            end_of_start_up()
    except KeyboardInterrupt:  # Ctrl-C while starting up, before main() can catch it
        os._exit(130)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):  # a closed pipe or stream: nothing left to say
        pass
    os._exit(code)
