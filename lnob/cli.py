"""`lnob`: the one command line for operators and batch jobs.

It is Django's management entry point, so `lnob migrate` works, and the project's own
subcommands (`lnob serve`, `lnob synth`, `lnob demo`, ...) are listed by `lnob --help`.
"""

from __future__ import annotations

import os
import sys

# polars allocates with jemalloc, which by default keeps freed pages mapped ("muzzy") until the
# kernel needs them, so a worker that imported a million rows keeps their memory for good. Giving
# them back at once costs little time and keeps batch jobs inside their memory budget. Read by
# jemalloc when polars is first loaded, hence set before anything imports it.
JEMALLOC = "background_thread:true,dirty_decay_ms:500,muzzy_decay_ms:0"


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("_RJEM_MALLOC_CONF", JEMALLOC)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lnob.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["lnob", *argv])
    if len(args) == 1 or args[1] in {"-h", "--help"}:
        args[1:] = ["help", *args[2:]] if len(args) > 1 else ["help"]
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
