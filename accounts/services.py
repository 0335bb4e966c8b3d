from functools import partial

from allauth.usersessions.adapter import get_adapter as get_usersessions_adapter
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import User
from .tasks import send_email


@transaction.atomic
def user_update_profile(*, user: User, name: str, language: str) -> User:
    user.name = name.strip()
    user.language = language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["name", "language"])
    return user


def user_set_language(*, user: User, language: str) -> User:
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Unknown language."))
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


@transaction.atomic
def user_sessions_end(*, user: User, keep_session_key: str | None = None) -> int:
    """End the person's signed-in sessions, all or all but `keep_session_key`; return how many.

    Goes through allauth's user-sessions adapter (accounts.adapter.UserSessionsAdapter), which
    deletes each session and closes that session's sockets once this transaction commits.
    """
    sessions = UserSession.objects.filter(user_id=user.pk)
    if keep_session_key:
        sessions = sessions.exclude(session_key=keep_session_key)
    ended = list(sessions)
    get_usersessions_adapter().end_sessions(ended)
    return len(ended)


def email_send(*, to: str, subject: str, body: str, html: str | None = None) -> None:
    """Queue one email from the site (Celery) once the current transaction commits; at once
    outside a transaction. The subject is put on one line after the site's prefix."""
    subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split())
    transaction.on_commit(
        partial(
            send_email.delay,
            subject=subject,
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[to],
            html=html,
        )
    )
