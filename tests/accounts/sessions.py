"""Signing in the way people do (allauth's login page), so allauth records the session."""

from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD


def sign_in(user, *, browser: str = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0") -> Client:
    client = Client(HTTP_USER_AGENT=browser)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client


def session_key(client: Client) -> str:
    return client.cookies["sessionid"].value
