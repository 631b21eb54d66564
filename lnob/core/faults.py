"""Fault points: places where a test can make the process die as a crash would.

`fault_point("import.write")` kills the current process with SIGKILL (no cleanup, no exception
handlers, exactly like the power going off or the OOM killer) when the environment variable
LNOB_FAULT names that point. Nothing happens otherwise. Used by the kill-mid-commit tests to stop
an import half way through its writes, deterministically.
"""

from __future__ import annotations

import os
import signal


def fault_point(name: str) -> None:
    if os.environ.get("LNOB_FAULT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
