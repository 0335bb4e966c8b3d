from collections.abc import Iterable
from functools import partial
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.usersessions.adapter import DefaultUserSessionsAdapter
from allauth.usersessions.models import UserSession
from django.core.mail import EmailMultiAlternatives
from django.db import transaction

from core.realtime import sockets_close

from .tasks import send_email


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Render now (in the request's language), deliver through Celery after commit."""
        message = self.render_mail(template_prefix, email, context)
        html = None
        if isinstance(message, EmailMultiAlternatives):
            html = next((str(c) for c, mime in message.alternatives if mime == "text/html"), None)
        transaction.on_commit(
            partial(
                send_email.delay,
                subject=message.subject,
                body=message.body,
                from_email=message.from_email,
                to=list(message.to),
                html=html,
                headers=dict(message.extra_headers),
            )
        )


class UserSessionsAdapter(DefaultUserSessionsAdapter):
    def end_sessions(self, sessions: Iterable[UserSession]) -> None:
        """End the sessions (allauth), then close exactly their sockets after commit."""
        ended = list(sessions)
        super().end_sessions(ended)
        for session in ended:
            sockets_close(user_id=session.user_id, session_key=session.session_key)
