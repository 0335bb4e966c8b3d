from typing import cast

from django.http import HttpRequest
from rest_framework.request import Request

from accounts.models import User


def request_user(request: HttpRequest | Request) -> User:
    """The signed-in user of a request whose view already requires a login (typed as such)."""
    return cast(User, request.user)
