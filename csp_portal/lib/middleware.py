"""Session expiry: after a period without activity, and after a maximum length.

The session ends SESSION_IDLE_TIMEOUT seconds after the last request, and
SESSION_COOKIE_AGE seconds after it started whatever happens. (Django's own expiry
date moves forward whenever the session is saved, so on its own it never ends the
session of someone who keeps working.) To avoid writing the session on every request,
the last-seen time is only refreshed once a minute.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

_KEY = "csp_last_seen"
_STARTED_KEY = "csp_session_started"
_REFRESH_AFTER = 60


class SessionIdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(_KEY, now)
            started = request.session.get(_STARTED_KEY, now)
            if now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                messages.info(
                    request, "You were signed out because you had not done anything for a while."
                )
            elif now - started > settings.SESSION_COOKIE_AGE:
                logout(request)
                hours = settings.SESSION_COOKIE_AGE // 3600
                messages.info(
                    request,
                    f"You were signed out because you signed in more than {hours} hours ago.",
                )
            elif now - last_seen >= _REFRESH_AFTER or _KEY not in request.session:
                request.session[_KEY] = now
                request.session.setdefault(_STARTED_KEY, now)
        return self.get_response(request)
