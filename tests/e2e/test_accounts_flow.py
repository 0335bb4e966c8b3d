import re
import time

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import User

pytestmark = pytest.mark.e2e


def wait_for_mail(to: str, timeout: float = 10.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in mail.outbox:
            if to in message.to:
                return str(message.body)
        time.sleep(0.1)
    raise AssertionError(f"no mail to {to}")


def test_sign_up_verify_log_in_switch_to_kazakh_log_out(new_page, live_server):
    page = new_page()
    page.goto("/")
    page.get_by_role("link", name="Join", exact=True).click()

    # A mistake first: the form says what is wrong and keeps what was typed.
    page.fill("#id_name", "Aliya Serikova")
    page.fill("#id_email", "aliya@example.com")
    page.fill("#id_password1", "Alatau-Peaks-2026")
    page.fill("#id_password2", "Alatau-Peaks-2027")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.locator(".errorlist")).to_contain_text("same password")
    expect(page.locator("#id_email")).to_have_value("aliya@example.com")
    assert not User.objects.filter(email="aliya@example.com").exists()

    page.fill("#id_password1", "Alatau-Peaks-2026")
    page.fill("#id_password2", "Alatau-Peaks-2026")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()

    body = wait_for_mail("aliya@example.com")
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", body)
    assert link, body
    page.goto(link.group(0))
    page.get_by_role("button", name="Confirm").click()

    page.goto("/accounts/login/")
    page.fill("input[name=login]", "aliya@example.com")
    page.fill("input[name=password]", "Alatau-Peaks-2026")
    page.get_by_role("button", name="Sign In").click()
    expect(page.locator(".account-menu summary")).to_contain_text("Aliya")

    page.get_by_role("button", name="ҚАЗ").click()
    nav = page.get_by_role("navigation", name="Негізгі навигация")
    expect(nav.get_by_role("link", name="Каталог")).to_be_visible()
    expect(nav.get_by_role("link", name="Басқару тақтасы")).to_be_visible()
    assert User.objects.get(email="aliya@example.com").language == "kk"

    page.locator(".account-menu summary").click()
    page.get_by_role("button", name="Шығу").click()
    expect(page.get_by_role("link", name="Кіру")).to_be_visible()
    expect(page.locator(".account-menu")).to_have_count(0)
    assert page.js_errors == []
