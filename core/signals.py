"""Closing a person's sockets when their session ends or their account is switched off.

Signals here are glue to code the core does not own (Django's logout, the user model); the
work itself is `core.realtime.sockets_close`.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpRequest

from .realtime import sockets_close


@receiver(user_logged_out, dispatch_uid="core_close_sockets_on_logout")
def close_sockets_on_logout(
    sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    if user is None:
        return
    # Sent before the session is flushed: the key still names the session that ends.
    session = getattr(request, "session", None)
    sockets_close(user_id=user.pk, session_key=session.session_key if session else None)


@receiver(
    post_save,
    sender=settings.AUTH_USER_MODEL,
    dispatch_uid="messaging_close_sockets_on_deactivation",
)
def close_sockets_on_deactivation(sender: Any, instance: Any, **kwargs: Any) -> None:
    if not instance.is_active:
        sockets_close(user_id=instance.pk)
