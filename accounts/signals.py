"""Ending the other sessions when a password changes, and every session when it is reset.

Django already refuses the old sessions on their next request (the password hash in the
session no longer matches); ending them here also deletes them and closes their sockets.
"""

from typing import Any

from allauth.account.signals import password_changed, password_reset, password_set
from django.dispatch import receiver
from django.http import HttpRequest

from core.realtime import sockets_close

from .models import User
from .services import user_sessions_end


@receiver(password_changed, dispatch_uid="accounts_end_other_sessions_on_password_change")
@receiver(password_set, dispatch_uid="accounts_end_other_sessions_on_password_set")
def end_other_sessions_on_password_change(
    sender: Any, request: HttpRequest, user: User, **kwargs: Any
) -> None:
    # The session the change was made in stays signed in (its key was cycled just before).
    user_sessions_end(user=user, keep_session_key=request.session.session_key)


@receiver(password_reset, dispatch_uid="accounts_end_sessions_on_password_reset")
def end_sessions_on_password_reset(
    sender: Any, request: HttpRequest, user: User, **kwargs: Any
) -> None:
    user_sessions_end(user=user)
    # Also the sockets of sessions started before sessions were tracked.
    sockets_close(user_id=user.pk)
