from __future__ import annotations

from celery import shared_task


@shared_task
def send_invitation_email_task(
    user_id: int, invited_by_id: int | None, partnership_id: int
) -> None:
    from accounts.services import user_send_invitation

    user_send_invitation(
        user_id=user_id, invited_by_id=invited_by_id, partnership_id=partnership_id
    )
