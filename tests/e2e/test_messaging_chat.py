"""Two people in two browser contexts chat live: one writes, the other sees it appear,
answers, and the first sees the answer and the "seen" mark.

It runs against `asgi_live_server` (tests/e2e/conftest.py): the real ASGI application, HTTP
and WebSocket, served by uvicorn in a thread on the test database and in-memory layer.
"""

import threading

import pytest
from django.test import Client
from playwright.sync_api import expect

from messaging import services
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def test_two_people_chat_live_with_seen_marks(asgi_live_server, browser):
    base = asgi_live_server.url
    alice = UserFactory.create(name="Alice Akhmetova")
    bob = UserFactory.create(name="Bob Bekov")
    conversation, _ = services.conversation_get_or_create(user=alice, to_user=bob)
    url = f"/messages/{conversation.pk}/"
    cookies = {alice.pk: _cookie(alice), bob.pk: _cookie(bob)}
    try:
        errors: list[str] = []

        def open_page(person, path):
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            context.add_cookies(
                [
                    {
                        "name": "sessionid",
                        "value": cookies[person.pk],
                        "domain": "127.0.0.1",
                        "path": "/",
                    }
                ]
            )
            page = context.new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"{base}{path}")
            return page

        first = open_page(alice, url)
        expect(first.locator("#chat-status")).to_be_hidden(timeout=10_000)
        # Bob is elsewhere on the site: the badge in his navigation counts live.
        elsewhere = open_page(bob, "/")
        badge = elsewhere.locator("#nav-unread")
        expect(badge).to_have_attribute("hidden", "")
        first.wait_for_timeout(500)  # let Bob's socket connect

        first.fill("#composer-body", "Hello Bob, are you free on Friday?")
        first.keyboard.press("Enter")
        expect(badge).to_have_text("1", timeout=10_000)
        expect(badge).not_to_have_attribute("hidden", "")

        second = elsewhere.context.new_page()
        second.on("pageerror", lambda error: errors.append(str(error)))
        second.goto(f"{base}{url}")
        expect(second.locator(".msg", has_text="are you free on Friday?")).to_be_visible(
            timeout=10_000
        )
        # Reading it in the thread clears the badge on his other page.
        expect(badge).to_have_attribute("hidden", "", timeout=10_000)

        second.fill("#composer-body", "Yes, Friday works.")
        second.keyboard.press("Shift+Enter")
        second.keyboard.type("After 10:00.")
        second.keyboard.press("Enter")
        answer = first.locator(".msg", has_text="Yes, Friday works.")
        expect(answer).to_be_visible(timeout=10_000)
        expect(answer).to_contain_text("After 10:00.")
        # Bob read Alice's message: her message shows "seen".
        expect(first.locator(".msg-mine .msg-seen:visible")).to_have_count(1, timeout=10_000)
        # Nothing is shown twice (the ack and message.new carry the same message).
        expect(first.locator(".msg")).to_have_count(2)
        expect(second.locator(".msg")).to_have_count(2)
        assert errors == []
    finally:
        for context in browser.contexts:
            context.close()


def _send_from_another_thread(**kwargs) -> None:
    _in_another_thread(services.message_send, **kwargs)


def _in_another_thread(service, **kwargs):
    # Playwright's sync API keeps an event loop in this thread; a service that publishes
    # must run where it may block (as in a request).
    errors: list[BaseException] = []
    results = []

    def run() -> None:
        try:
            results.append(service(**kwargs))
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert errors == []
    return results[0]


def test_reconnects_and_catches_up_without_losing_or_doubling(asgi_live_server, browser):
    alice = UserFactory.create(name="Alice Akhmetova")
    bob = UserFactory.create(name="Bob Bekov")
    conversation, _ = services.conversation_get_or_create(user=alice, to_user=bob)
    _send_from_another_thread(
        user=bob, conversation_id=conversation.pk, body="Before the restart", client_id="b0"
    )
    try:
        context = browser.new_context(viewport={"width": 390, "height": 800})
        context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": _cookie(alice),
                    "domain": "127.0.0.1",
                    "path": "/",
                }
            ]
        )
        page = context.new_page()
        page.goto(f"{asgi_live_server.url}/messages/{conversation.pk}/")
        status = page.locator("#chat-status")
        expect(status).to_be_hidden(timeout=10_000)
        expect(page.locator(".msg")).to_have_count(1)

        asgi_live_server.stop()
        expect(status).to_be_visible(timeout=10_000)  # "Reconnecting…"
        for n in (1, 2):
            _send_from_another_thread(
                user=bob,
                conversation_id=conversation.pk,
                body=f"While you were away {n}",
                client_id=f"b{n}",
            )
        asgi_live_server.start()

        expect(status).to_be_hidden(timeout=20_000)
        for n in (1, 2):
            expect(page.locator(".msg", has_text=f"While you were away {n}")).to_have_count(
                1, timeout=10_000
            )
        expect(page.locator(".msg")).to_have_count(3)
    finally:
        for context in browser.contexts:
            context.close()


def test_the_conversation_list_shows_edits_and_deletions_live(asgi_live_server, browser):
    alice = UserFactory.create(name="Alice Akhmetova")
    bob = UserFactory.create(name="Bob Bekov")
    conversation, _ = services.conversation_get_or_create(user=alice, to_user=bob)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        context.add_cookies(
            [{"name": "sessionid", "value": _cookie(bob), "domain": "127.0.0.1", "path": "/"}]
        )
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{asgi_live_server.url}/messages/")
        preview = page.locator(f'.chat-item[data-conversation="{conversation.pk}"] [data-preview]')
        page.wait_for_timeout(500)  # let the socket connect
        message, _ = _in_another_thread(
            services.message_send,
            user=alice,
            conversation_id=conversation.pk,
            body="Meeting on Friday",
            client_id="e2e-1",
        )
        expect(preview).to_have_text("Meeting on Friday", timeout=10_000)
        _in_another_thread(
            services.message_edit, user=alice, message_id=message.pk, body="Meeting on Monday"
        )
        expect(preview).to_have_text("Meeting on Monday", timeout=10_000)
        _in_another_thread(services.message_delete, user=alice, message_id=message.pk)
        expect(preview).to_have_text("message deleted", timeout=10_000)
        assert errors == []
    finally:
        context.close()
