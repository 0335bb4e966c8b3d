"""Register an organisation, upload a logo, invite a colleague who signs up from the email
link, and find the organisation in the directory under its filters: in real Chromium."""

import re
from urllib.parse import urlparse

import pytest
from django.core import mail
from playwright.sync_api import expect

from members.models import Membership, Organization, Role
from tests.factories import PASSWORD, OrganizationFactory, UserFactory

from ..members.conftest import image_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_register_invite_accept_and_find(asgi_live_server, browser, tmp_path):
    founder = UserFactory.create(email="founder@tau.example", name="Aida Founder")
    OrganizationFactory.create(name="Almaty University of Robotics", kind="university")
    logo = tmp_path / "logo.png"
    logo.write_bytes(image_bytes("PNG", size=(500, 400)))

    page = browser.new_context().new_page()
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )

    page.goto(f"{asgi_live_server.url}/accounts/login/")
    page.fill("input[name=login]", founder.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{asgi_live_server.url}/")

    # Register the organisation.
    page.goto(f"{asgi_live_server.url}/members/new/")
    page.fill("input[name=name]", "Tau Drone Labs")
    page.select_option("select[name=kind]", "startup")
    page.fill("input[name=tagline]", "Drones that inspect pipelines")
    page.fill("input[name=tags_input]", "drones, computer vision")
    page.select_option("select[name=district]", "medeu")
    page.click("form.profile-form button[type=submit]")
    expect(page.locator(".flash-success")).to_contain_text("Tau Drone Labs is registered")
    organization = Organization.objects.get(name="Tau Drone Labs")

    # Upload a logo.
    page.set_input_files("input[name=logo]", str(logo))
    page.click("form.logo-form button[type=submit]")
    expect(page.locator(".flash-success")).to_contain_text("logo")
    organization.refresh_from_db()
    assert organization.logo.name.endswith(".webp")

    # Invite a colleague who has no account yet.
    page.goto(f"{asgi_live_server.url}/members/{organization.slug}/team/")
    page.fill("input[name=email]", "colleague@tau.example")
    page.click("text=Send invitation")
    expect(page.locator(".flash-success")).to_contain_text("colleague@tau.example")
    assert len(mail.outbox) == 1
    found = re.search(r"https?://\S+/members/invitations/\S+/", str(mail.outbox[0].body))
    assert found is not None
    link = found.group(0)

    # The colleague opens the link, signs up from it and accepts.
    colleague = browser.new_context().new_page()
    colleague.goto(asgi_live_server.url + urlparse(link).path)
    colleague.click("text=Create an account")
    colleague.fill("input[name=name]", "Bolat Colleague")
    colleague.fill("input[name=email]", "colleague@tau.example")
    colleague.fill("input[name=password1]", "a-Long-pass-phrase-2026")
    colleague.fill("input[name=password2]", "a-Long-pass-phrase-2026")
    colleague.click("main form button[type=submit]")
    colleague.click("text=Accept and join")
    expect(colleague.locator(".flash-success")).to_contain_text("Welcome to Tau Drone Labs")
    membership = Membership.objects.get(user__email="colleague@tau.example")
    assert membership.organization == organization
    assert membership.role == Role.MEMBER

    # The organisation is in the directory under its filters, with and without htmx.
    colleague.goto(f"{asgi_live_server.url}/members/?kind=startup&district=medeu&tag=drones")
    expect(colleague.locator(".org-card")).to_have_count(1)
    expect(colleague.locator(".org-card h3")).to_have_text("Tau Drone Labs")
    expect(colleague.locator(".org-card img.org-logo")).to_be_visible()
    colleague.goto(f"{asgi_live_server.url}/members/")
    expect(colleague.locator(".results-count")).to_contain_text("2 organisations")
    colleague.fill("#id_search", "drone")
    # htmx swaps the results in and pushes the query into the address bar.
    expect(colleague).to_have_url(re.compile(r"search=drone"))
    expect(colleague.locator(".results-count")).to_contain_text("1 organisation")
    colleague.check("input[name=verified]")
    expect(colleague.locator(".results-count")).to_contain_text("0 organisations")
    expect(colleague).to_have_url(re.compile(r"verified=true"))
    assert errors == []
