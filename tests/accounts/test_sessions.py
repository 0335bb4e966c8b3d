"""The Sessions settings page (allauth.usersessions) and what ending sessions does."""

import re

import pytest
from allauth.account.signals import password_reset
from allauth.usersessions.models import UserSession
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

from .sessions import session_key, sign_in

pytestmark = pytest.mark.django_db

SESSIONS = "/accounts/sessions/"
END_ALL = "/accounts/sessions/end-all/"


@pytest.fixture
def alice(db):
    return UserFactory.create(name="Alice Akhmetova")


@pytest.fixture
def bob(db):
    return UserFactory.create(name="Bob Bekov")


def exists(key: str) -> bool:
    return SessionStore().exists(key)


def test_urls_are_the_ones_the_page_and_menu_use():
    assert reverse("usersessions_list") == SESSIONS
    assert reverse("accounts:sessions_end_all") == END_ALL


def test_anonymous_is_sent_to_login(client):
    for response in (client.get(SESSIONS), client.post(SESSIONS), client.post(END_ALL)):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_signing_in_records_the_session(alice):
    client = sign_in(alice, browser="Phone Browser 1.0")
    row = UserSession.objects.get(user=alice)
    assert row.session_key == session_key(client)
    assert row.user_agent == "Phone Browser 1.0"


def test_the_page_lists_only_ones_own_sessions_and_marks_the_current(alice, bob):
    laptop = sign_in(alice, browser="Alice Laptop")
    sign_in(alice, browser="Alice Phone")
    sign_in(bob, browser="Bob Tablet")
    response = laptop.get(SESSIONS)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Alice Laptop" in html
    assert "Alice Phone" in html
    assert "Bob Tablet" not in html
    assert html.count('class="badge"') == 1
    assert "Sign Out Other Sessions" in html
    assert f'action="{END_ALL}"' in html
    assert f'href="{SESSIONS}" aria-current="page"' in html
    assert not re.search(r"\sstyle=|<script>|<style", html)  # the strict CSP holds


def test_a_single_session_offers_signing_out(alice):
    client = sign_in(alice)
    html = client.get(SESSIONS).content.decode()
    assert f'action="{reverse("account_logout")}"' in html
    assert END_ALL not in html


def test_signing_out_other_sessions_keeps_this_one_and_other_peoples(alice, bob):
    laptop = sign_in(alice)
    phone = sign_in(alice)
    bobs = sign_in(bob)
    response = laptop.post(SESSIONS)
    assert response.status_code == 302
    assert exists(session_key(laptop))
    assert not exists(session_key(phone))
    assert exists(session_key(bobs))
    assert list(UserSession.objects.filter(user=alice).values_list("session_key", flat=True)) == [
        session_key(laptop)
    ]
    assert laptop.get(SESSIONS).status_code == 200
    assert phone.get(SESSIONS).status_code == 302
    assert bobs.get(SESSIONS).status_code == 200


def test_nobody_can_end_another_persons_sessions(alice, bob):
    """The page acts on the signed-in person only; nothing in the request names a session."""
    bobs = sign_in(bob)
    sign_in(alice)
    mallory = sign_in(alice)
    mallory.post(SESSIONS, {"session": session_key(bobs), "user": bob.pk})
    mallory.post(END_ALL, {"session": session_key(bobs), "user": bob.pk})
    assert exists(session_key(bobs))
    assert UserSession.objects.filter(user=bob).count() == 1
    assert bobs.get(SESSIONS).status_code == 200


def test_signing_out_everywhere_ends_every_session_of_the_person_only(alice, bob):
    laptop = sign_in(alice)
    phone = sign_in(alice)
    bobs = sign_in(bob)
    response = laptop.post(END_ALL, follow=True)
    assert response.redirect_chain[-1][0] == reverse("account_login")
    assert "You are signed out of all sessions." in response.content.decode()
    assert not exists(session_key(phone))
    assert not UserSession.objects.filter(user=alice).exists()
    assert laptop.get(SESSIONS).status_code == 302
    assert phone.get(SESSIONS).status_code == 302
    assert bobs.get(SESSIONS).status_code == 200


def test_signing_out_everywhere_is_post_only(alice):
    assert sign_in(alice).get(END_ALL).status_code == 405


def test_changing_the_password_keeps_this_session_and_ends_the_others(alice, bob):
    laptop = sign_in(alice)
    phone = sign_in(alice)
    bobs = sign_in(bob)
    response = laptop.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "Steppe-Wind-2026", "password2": "Steppe-Wind-2026"},
    )
    assert response.status_code == 302
    assert laptop.get(SESSIONS).status_code == 200
    assert not exists(session_key(phone))
    assert phone.get(SESSIONS).status_code == 302
    assert list(UserSession.objects.filter(user=alice).values_list("session_key", flat=True)) == [
        session_key(laptop)
    ]
    assert bobs.get(SESSIONS).status_code == 200


def test_a_password_reset_ends_every_session(alice, bob):
    phone = sign_in(alice)
    bobs = sign_in(bob)
    request = RequestFactory().post("/accounts/password/reset/key/done/")
    request.session = SessionStore()
    password_reset.send(sender=type(alice), request=request, user=alice)
    assert not exists(session_key(phone))
    assert not UserSession.objects.filter(user=alice).exists()
    assert exists(session_key(bobs))


def test_the_page_speaks_kazakh_and_russian():
    pages = {}
    for language in ("kk", "ru"):
        person = UserFactory.create(language=language)
        client = sign_in(person)
        sign_in(person)
        pages[language] = client.get(SESSIONS).content.decode()
        pages[f"{language}-done"] = client.post(SESSIONS, follow=True).content.decode()
    kk, ru = pages["kk"], pages["ru"]
    assert "Басқа барлық сеанстан шықтыңыз." in pages["kk-done"]
    assert "Выйти из всех остальных сеансов." in pages["ru-done"]  # allauth's own wording
    assert "Сеанстар" in kk
    assert "Басқа сеанстардан шығу" in kk
    assert "Сеансы" in ru
    assert "Выйти из других сеансов" in ru


def test_the_page_pins_its_queries(alice, django_assert_max_num_queries):
    client = sign_in(alice)
    for _ in range(4):
        sign_in(alice)
    with django_assert_max_num_queries(20):
        assert client.get(SESSIONS).status_code == 200


HEADLESS_SESSIONS = "/_allauth/browser/v1/auth/sessions"


def test_headless_api_lists_own_sessions_and_refuses_another_persons(alice, bob):
    laptop = sign_in(alice)
    phone = sign_in(alice)
    bobs = sign_in(bob)
    assert Client().get(HEADLESS_SESSIONS).status_code == 401
    listed = laptop.get(HEADLESS_SESSIONS).json()["data"]
    assert {s["id"] for s in listed} == set(
        UserSession.objects.filter(user=alice).values_list("pk", flat=True)
    )
    bobs_id = UserSession.objects.get(user=bob).pk
    refused = laptop.delete(
        HEADLESS_SESSIONS, {"sessions": [bobs_id]}, content_type="application/json"
    )
    assert refused.status_code == 400
    assert exists(session_key(bobs))
    phones_id = UserSession.objects.get(session_key=session_key(phone)).pk
    ended = laptop.delete(
        HEADLESS_SESSIONS, {"sessions": [phones_id]}, content_type="application/json"
    )
    assert ended.status_code == 200
    assert not exists(session_key(phone))
    assert exists(session_key(laptop))
