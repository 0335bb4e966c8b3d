import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"
LOGIN = "/accounts/login/"
GOOD = {
    "name": "Aigerim Nurlanovna",
    "email": "aigerim@example.com",
    "password1": "Steppe-Wind-2026",
    "password2": "Steppe-Wind-2026",
}


def test_signup_creates_an_unverified_user_and_mails_the_link_after_commit(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(SIGNUP, GOOD, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 302
    user = User.objects.get(email="aigerim@example.com")
    assert user.name == "Aigerim Nurlanovna"
    assert user.language == "ru"
    assert not EmailAddress.objects.get(user=user).verified
    # Nothing is sent before the transaction commits; then Celery delivers it.
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["aigerim@example.com"]
    assert re.search(r"/accounts/confirm-email/[^/\s]+/", str(mail.outbox[0].body))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": "not-an-email"}, "email", "valid email"),
        ({"password1": "123", "password2": "123"}, "password1", "too short"),
        ({"password1": "password", "password2": "password"}, "password1", "too common"),
        ({"password2": "Something-Else-99"}, "password2", "same password"),
        ({"name": "   "}, "name", "required"),
    ],
)
def test_signup_bad_input_shows_errors_and_creates_nothing(client, changes, field, message):
    response = client.post(SIGNUP, {**GOOD, **changes})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    assert message in " ".join(errors[field]).lower()
    assert not User.objects.filter(email=GOOD["email"]).exists()


def test_signup_with_a_taken_email_does_not_reveal_the_account(
    client, django_capture_on_commit_callbacks
):
    existing = UserFactory.create(email="taken@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SIGNUP, {**GOOD, "email": "taken@example.com"})
    # The same answer as a fresh sign-up: on to "check your inbox".
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert User.objects.filter(email="taken@example.com").count() == 1
    assert User.objects.get(email="taken@example.com").name == existing.name
    # The owner of the address is told instead.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["taken@example.com"]


def test_unverified_user_cannot_log_in(client):
    user = UserFactory.create(verified=False)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    response = client.post(LOGIN, {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_verified_user_logs_in_and_out(client):
    user = UserFactory.create()
    response = client.post(LOGIN, {"login": user.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session


def test_wrong_password_gives_a_form_error(client):
    user = UserFactory.create()
    response = client.post(LOGIN, {"login": user.email, "password": "nope"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_failed_logins_are_rate_limited_on_the_cache(client):
    user = UserFactory.create()
    statuses = [
        client.post(LOGIN, {"login": user.email, "password": "wrong"}).status_code for _ in range(6)
    ]
    # allauth's "login_failed" limit: 5 per 5 minutes per account key.
    assert statuses[:5] == [200] * 5
    response = client.post(LOGIN, {"login": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)


def test_password_reset_does_not_enumerate_accounts(client, django_capture_on_commit_callbacks):
    UserFactory.create(email="known@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/accounts/password/reset/", {"email": "known@example.com"})
        unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    reset_mail = [m for m in mail.outbox if m.to == ["known@example.com"]]
    assert len(reset_mail) == 1
    assert "/accounts/password/reset/key/" in reset_mail[0].body


def test_two_factor_totp_is_activated_and_then_required_at_login(client):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import (
        SECRET_SESSION_KEY,
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    assert client.get("/accounts/2fa/").status_code == 302  # anonymous: log in first
    user = UserFactory.create()
    client.post(LOGIN, {"login": user.email, "password": PASSWORD})
    # A sensitive change asks for the password again first.
    response = client.get("/accounts/2fa/totp/activate/")
    assert response["Location"].startswith("/accounts/reauthenticate/")
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))

    assert client.post("/accounts/2fa/totp/activate/", {"code": "000000"}).status_code == 200
    response = client.post("/accounts/2fa/totp/activate/", {"code": code})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

    client.post("/accounts/logout/")
    response = client.post(LOGIN, {"login": user.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


class TestProfile:
    url = "/accounts/profile/"

    def test_anonymous_is_sent_to_log_in(self, client):
        response = client.get(self.url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")

    def test_user_edits_own_name_and_language(self, client_for, user):
        client = client_for(user)
        response = client.post(self.url, {"name": "New Name", "language": "kk"})
        assert response.status_code == 302
        user.refresh_from_db()
        assert (user.name, user.language) == ("New Name", "kk")

    def test_bad_input_changes_nothing(self, client_for, user):
        before = (user.name, user.language)
        response = client_for(user).post(self.url, {"name": "", "language": "xx"})
        assert response.status_code == 200
        assert set(response.context["form"].errors) == {"name", "language"}
        user.refresh_from_db()
        assert (user.name, user.language) == before


class TestLanguage:
    def test_anonymous_choice_is_kept_in_a_cookie(self, client):
        response = client.post("/i18n/setlang/", {"language": "kk", "next": "/"})
        assert response.status_code == 302
        assert response.cookies["django_language"].value == "kk"
        page = client.get("/")
        assert page.headers["Content-Language"] == "kk"

    def test_signed_in_choice_is_saved_on_the_user(self, client_for, user):
        client = client_for(user)
        client.post("/i18n/setlang/", {"language": "ru", "next": "/"})
        user.refresh_from_db()
        assert user.language == "ru"

    def test_saved_language_follows_the_user_to_a_new_device(self, client_for):
        user = UserFactory.create(language="kk")
        response = client_for(user).get("/", HTTP_ACCEPT_LANGUAGE="en")
        assert response.headers["Content-Language"] == "kk"
        assert response.cookies["django_language"].value == "kk"

    def test_unknown_language_is_ignored(self, client_for, user):
        client_for(user).post("/i18n/setlang/", {"language": "xx", "next": "/"})
        user.refresh_from_db()
        assert user.language == "en"
