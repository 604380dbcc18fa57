"""A task running when its worker is killed is run again (issue 7, point 17).

Acks late (CELERY_TASK_ACKS_LATE): the message stays unacknowledged in Redis while its
task runs. Two ways a worker dies:

- the whole worker (its process group) is SIGKILLed: Redis hands the message out again
  after the visibility timeout, to the next worker. Production waits
  CELERY_TASK_TIME_LIMIT + 60 s; these workers are started with
  CSP_CELERY_VISIBILITY_TIMEOUT=2 so the test does not wait eleven minutes;
- only the child process running the task is SIGKILLed (the OOM killer's usual victim):
  the parent rejects the message back to the queue at once
  (CELERY_TASK_REJECT_ON_WORKER_LOST) and a new child runs it.

The broker is a redis-server of the test's own, the task a test-only one
(tests/faults/blocking_tasks.py) that waits until the test releases it.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from tests.faults.blocking_tasks import hold_until_released
from tests.worker import celery_broker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

WAIT_SECONDS = 90
WORKER_OPTIONS = {
    "settings_module": "tests.faults.worker_settings",
    "include": ["tests.faults.blocking_tasks"],
    "extra_env": {"CSP_CELERY_VISIBILITY_TIMEOUT": "2"},
}


def wait_for_files(folder: Path, pattern: str, count: int = 1) -> list[Path]:
    deadline = time.monotonic() + WAIT_SECONDS
    while len(found := sorted(folder.glob(pattern))) < count:
        if time.monotonic() > deadline:
            pytest.fail(f"Waited {WAIT_SECONDS} s for {count} {pattern} in {folder}")
        time.sleep(0.1)
    return found


def wait_until_acknowledged(own_redis) -> None:
    client = own_redis.client()
    deadline = time.monotonic() + WAIT_SECONDS
    while client.hlen("unacked"):
        if time.monotonic() > deadline:
            pytest.fail("The message was never acknowledged")
        time.sleep(0.1)


def pid_of(path: Path) -> int:
    return int(path.name.split("-")[1])


def send_hold(broker_url: str, folder: Path) -> None:
    with celery_broker(broker_url):
        hold_until_released.delay(str(folder))


def test_a_task_whose_worker_is_killed_runs_again_on_the_next_worker(
    own_redis, start_celery_worker, tmp_path
):
    broker_url = own_redis.url()
    # Prefork, as deployed: the parent process takes the message, a child runs the task.
    first = start_celery_worker(broker_url, pool="prefork", **WORKER_OPTIONS)
    send_hold(broker_url, tmp_path)
    [started] = wait_for_files(tmp_path, "started-*")
    assert pid_of(started) != first.pid

    os.killpg(first.pid, signal.SIGKILL)  # the worker's process group: ours, by PID
    (tmp_path / "release").touch()
    assert own_redis.client().hlen("unacked") == 1  # not acknowledged: it never finished
    assert not list(tmp_path.glob("finished-*"))

    start_celery_worker(broker_url, **WORKER_OPTIONS)

    [finished] = wait_for_files(tmp_path, "finished-*")
    assert pid_of(finished) != pid_of(started)
    assert len(list(tmp_path.glob("started-*"))) == 2
    wait_until_acknowledged(own_redis)


def test_a_task_whose_pool_process_is_killed_runs_again_at_once(
    own_redis, start_celery_worker, tmp_path
):
    broker_url = own_redis.url()
    # The production visibility timeout: only the reject brings the message back soon.
    worker = start_celery_worker(broker_url, include=WORKER_OPTIONS["include"], pool="prefork")
    send_hold(broker_url, tmp_path)
    [started] = wait_for_files(tmp_path, "started-*")
    child = pid_of(started)
    assert child != worker.pid

    os.kill(child, signal.SIGKILL)  # the pool's child, started by our worker
    (tmp_path / "release").touch()

    [finished] = wait_for_files(tmp_path, "finished-*")
    assert pid_of(finished) not in (child, worker.pid)
    wait_until_acknowledged(own_redis)
