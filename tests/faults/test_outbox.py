"""Work queued while the broker is unreachable is not lost (issue 7, point 16).

Services enqueue through the outbox (csp_portal/lib/outbox.py): the row is written in the
service's transaction and published after commit; a broker failure leaves it pending and
the relay publishes it later. The real test stops a broker of its own (a redis-server it
kills by PID), invites someone through the people page, starts the broker again, runs
the relay and sees a real worker send the invitation, once.
"""

from __future__ import annotations

import email
import time
from datetime import timedelta
from pathlib import Path

import pytest
from celery.backends.redis import RedisBackend
from celery.result import AsyncResult
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import RoleGrant, User
from accounts.roles import Role
from accounts.services import role_grant_to_email
from accounts.tasks import send_invitation_email_task
from csp_portal.celery import app
from csp_portal.lib import outbox
from csp_portal.lib.outbox import OutboxMessage, backoff, relay
from csp_portal.tasks import ping
from tests.faults.redis_server import free_port
from tests.worker import celery_broker

WAIT_SECONDS = 60


def people_url(world) -> str:
    return reverse("people:list", kwargs={"partnership": world.home.slug})


def invite(client, world):
    return client.post(
        people_url(world),
        {"email": "sam.okafor@example.org", "name": "Sam Okafor", "role": Role.OFFICER},
    )


def emails_in(folder: Path) -> list[email.message.Message]:
    return [email.message_from_bytes(path.read_bytes()) for path in sorted(folder.glob("*.log"))]


def wait_for(condition, what: str):
    deadline = time.monotonic() + WAIT_SECONDS
    while not (value := condition()):
        if time.monotonic() > deadline:
            pytest.fail(f"Waited {WAIT_SECONDS} s for {what}")
        time.sleep(0.2)
    return value


def test_an_invitation_enqueued_eagerly_is_sent_once_and_its_row_done(
    world, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client_for("manager"), world)

    assert response.status_code == 302
    message = OutboxMessage.objects.get()
    assert message.task_name == send_invitation_email_task.name
    invited = User.objects.get(email="sam.okafor@example.org")
    assert message.args == [invited.pk, world.person("manager").pk, world.home.pk]
    assert message.sent_at is not None
    assert message.done_at is not None
    assert len(mail.outbox) == 1

    # Published again (the relay after a lost message): the task sees its row done.
    outbox._publish(message, None)

    assert len(mail.outbox) == 1


def test_a_rolled_back_service_leaves_no_row_and_sends_nothing(
    world, django_capture_on_commit_callbacks
):
    manager = world.person("manager")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Exception):  # noqa: B017, PT011
        role_grant_to_email(
            partnership=world.home,
            email="sam.okafor@example.org",
            name="Sam Okafor",
            role="no-such-role",
            by=manager,
        )

    assert not OutboxMessage.objects.exists()
    assert mail.outbox == []


def test_with_the_broker_unreachable_the_grant_is_saved_and_the_row_waits(
    world, client_for, settings, django_capture_on_commit_callbacks
):
    with (
        celery_broker(f"redis://127.0.0.1:{free_port()}/0"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = invite(client_for("manager"), world)

    assert response.status_code == 302
    assert RoleGrant.objects.filter(user__email="sam.okafor@example.org").exists()
    message = OutboxMessage.objects.get()
    assert message.sent_at is None
    assert message.attempts == 1
    assert message.last_error
    assert message.next_attempt_at > timezone.now()
    assert mail.outbox == []

    with celery_broker(f"redis://127.0.0.1:{free_port()}/0"):
        early = relay()  # not due yet: nothing tried
        forced = relay(ignore_backoff=True)

    assert (early.sent, early.failed, early.pending) == (0, 0, 1)
    assert (forced.sent, forced.failed, forced.pending) == (0, 1, 1)
    message.refresh_from_db()
    assert message.attempts == 2


def test_a_row_sent_whose_task_never_finished_is_published_again_after_a_while(db):
    """The broker lost the message (a Redis without persistence restarted)."""
    message = OutboxMessage.objects.create(
        task_name=ping.name, sent_at=timezone.now() - timedelta(minutes=5), attempts=1
    )
    assert relay().sent == 0  # a queue may be slow: not yet

    OutboxMessage.objects.filter(pk=message.pk).update(
        sent_at=timezone.now() - outbox.REPUBLISH_AFTER - timedelta(minutes=1)
    )
    result = relay()  # eagerly, the task runs as it is published

    assert result.sent == 1
    message.refresh_from_db()
    assert message.attempts == 2
    assert message.done_at is not None


def test_backoff_grows_to_an_hour():
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff(30) == timedelta(hours=1)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_an_invitation_made_while_the_broker_is_down_is_sent_when_it_returns(
    world, client_for, settings, own_redis, start_celery_worker, tmp_path
):
    broker_url = own_redis.url()
    own_redis.kill()

    with celery_broker(broker_url):
        response = invite(client_for("manager"), world)

        assert response.status_code == 302  # the grant is saved and the page says so
        assert RoleGrant.objects.filter(user__email="sam.okafor@example.org").exists()
        message = OutboxMessage.objects.get()
        assert (message.sent_at, message.attempts) == (None, 1)

        own_redis.start()
        worker = start_celery_worker(
            broker_url,
            settings_module="tests.faults.worker_settings",
            extra_env={"CSP_TEST_EMAIL_DIR": str(tmp_path)},
        )
        # The worker relays the outbox when it starts; the command does too. Whichever
        # gets the row, it is published once (the row is locked while it is published).
        call_command("outbox_relay", "--ignore-backoff")

        message = wait_for(
            lambda: OutboxMessage.objects.filter(pk=message.pk, done_at__isnull=False).first(),
            "the worker to finish the invitation",
        )
        assert message.sent_at is not None
        sent = emails_in(tmp_path)
        assert len(sent) == 1
        assert sent[0]["To"] == "sam.okafor@example.org"
        body = next(p for p in sent[0].walk() if p.get_content_type() == "text/plain")
        assert "/accounts/password-reset/" in body.get_payload(decode=True).decode()

        # Published a second time, it is skipped: the row is done.
        with app.connection_for_write(broker_url) as connection:
            outbox._publish(message, connection)
            marker = ping.apply_async(queue=worker.queue, connection=connection)
        results = RedisBackend(app=app, url=broker_url)
        # One worker, one message at a time: when the ping is answered, the duplicate ran.
        AsyncResult(marker.id, backend=results, app=app).get(timeout=WAIT_SECONDS)

    assert len(emails_in(tmp_path)) == 1


def test_every_task_a_service_enqueues_goes_through_the_outbox():
    """No code publishes a task directly: .delay(, .apply_async( and .send_task( appear only
    in the outbox and in the worker's start-up relay."""
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in root.glob("*/**/*.py"):
        parts = path.relative_to(root).parts
        if parts[0] in ("tests", ".venv", "node_modules") or "migrations" in parts:
            continue
        text = path.read_text()
        for needle in (".delay(", ".apply_async(", ".send_task("):
            if needle in text:
                offenders.append(f"{path.relative_to(root)}: {needle}")
    assert sorted(offenders) == [
        "csp_portal/celery.py: .send_task(",
        "csp_portal/lib/outbox.py: .apply_async(",
    ]
