"""`lnob`: the one command line for operators and batch jobs.

It is Django's management entry point, so `lnob migrate` works, and the project's own
subcommands (`lnob serve`, `lnob synth`, `lnob demo`, ...) are listed by `lnob --help`.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lnob.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["lnob", *argv])
    if len(args) == 1 or args[1] in {"-h", "--help"}:
        args[1:] = ["help", *args[2:]] if len(args) > 1 else ["help"]
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
