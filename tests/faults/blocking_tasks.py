"""A task only the fault tests know (the worker imports it with ``--include``): it holds
its worker until the test releases it, so the test can kill the worker mid-task.

It records what happened in files in ``folder`` (the test and the worker are different
processes): ``started-<pid>`` when a process starts it, ``finished-<pid>`` when one
finishes it. Running it twice does no harm.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from celery import shared_task

HOLD_AT_MOST_SECONDS = 120


@shared_task
def hold_until_released(folder: str) -> str:
    here = Path(folder)
    (here / f"started-{os.getpid()}").touch()
    deadline = time.monotonic() + HOLD_AT_MOST_SECONDS
    while not (here / "release").exists():
        if time.monotonic() > deadline:
            raise TimeoutError("the test never released the task")
        time.sleep(0.1)
    (here / f"finished-{os.getpid()}").touch()
    return "finished"
