"""The whole story in a real browser: a city department publishes a problem, a startup finds it
on the boards and proposes, the department shortlists and accepts it, then closes the problem
with an outcome that shows on the public timeline."""

import pytest
from playwright.sync_api import Browser, Page, expect

from members.models import District, OrganizationKind, Role
from tests.factories import PASSWORD, MembershipFactory, OrganizationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(browser: Browser, base: str, email: str) -> Page:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page


def test_a_city_problem_from_publication_to_outcome(asgi_live_server, browser, settings):
    settings.PRIVATE_MEDIA_ROOT = settings.MEDIA_ROOT
    department = OrganizationFactory.create(
        name="Department of Ecology",
        slug="ecology-dept",
        kind=OrganizationKind.GOVERNMENT,
        verified=True,
    )
    startup = OrganizationFactory.create(
        name="AirSense",
        slug="airsense",
        kind=OrganizationKind.STARTUP,
        district=District.AUEZOV,
        tagline="IoT sensors that map air quality street by street.",
    )
    official = UserFactory.create(email="official@city.example", name="Arman Omarov")
    founder = UserFactory.create(email="founder@airsense.example", name="Timur Bekov")
    MembershipFactory.create(user=official, organization=department, role=Role.OWNER)
    MembershipFactory.create(user=founder, organization=startup, role=Role.OWNER)
    base = asgi_live_server.url

    # 1. The department publishes a city problem.
    city = log_in(browser, base, official.email)
    city.goto(f"{base}/boards/new/?kind=problem")
    city.select_option("select[name=organization]", "ecology-dept")
    city.select_option("select[name=kind]", "problem")
    city.fill("input[name=title]", "Map winter air pollution street by street")
    city.fill("textarea[name=summary]", "We need a dense network of air-quality sensors.")
    city.fill("textarea[name=body]", "Every winter **PM2.5** exceeds the limit.")
    city.fill("textarea[name=expected_outcome]", "A public map updated every 10 minutes.")
    city.check("input[name=categories][value=ecology]")
    city.check("input[name=districts][value=medeu]")
    city.fill("input[name=tags]", "air quality, IoT sensors")
    city.fill("input[name=deadline]", "2099-12-31")
    city.click("button[value=publish]")
    expect(city.locator("h1")).to_have_text("Map winter air pollution street by street")
    expect(city.get_by_test_id("post-status")).to_have_text("Open")
    post_url = city.url
    # The matcher suggests the startup to the department, with a reason.
    city.reload()
    expect(city.locator(".match-list")).to_contain_text("AirSense")
    expect(city.locator(".match-list")).to_contain_text("shared categories")

    # 2. The startup finds it on the boards and proposes.
    startup_page = log_in(browser, base, founder.email)
    startup_page.goto(f"{base}/boards/")
    startup_page.select_option("select[name=kind]", "problem")
    startup_page.wait_for_url("**kind=problem**")
    startup_page.click("text=Map winter air pollution street by street")
    startup_page.click("text=Send a proposal")
    startup_page.select_option("select[name=organization]", "airsense")
    startup_page.fill("textarea[name=summary]", "Sixty calibrated sensors on street lamps")
    startup_page.fill("textarea[name=approach]", "We already run 40 sensors in Auezov.")
    startup_page.fill("textarea[name=team]", "Five engineers")
    startup_page.fill("textarea[name=timeline]", "Three months")
    startup_page.click("text=Send the proposal")
    expect(startup_page.locator(".flash")).to_contain_text("Your proposal is sent")
    expect(startup_page.get_by_test_id("proposal-status")).to_have_text("Submitted")

    # 3. The department shortlists, then accepts it.
    city.goto(post_url)
    city.click("button:has-text('Shortlist')")
    expect(city.get_by_test_id("proposal-status")).to_have_text("Shortlisted")
    city.click("button:has-text('Accept')")
    expect(city.get_by_test_id("proposal-status")).to_have_text("Accepted")

    # 4. It closes the problem with a public outcome.
    city.click("summary:has-text('Close')")
    city.select_option("#outcome-closed", "piloted")
    city.fill("#statement-closed", "AirSense piloted 60 sensors; the map is public.")
    city.click("button:has-text('Close the post')")
    expect(city.get_by_test_id("post-status")).to_have_text("Closed")

    # Anyone can see what the city did with the problem.
    visitor = browser.new_page()
    visitor.goto(post_url)
    expect(visitor.locator(".outcome-card")).to_contain_text("Piloted")
    timeline = visitor.locator(".timeline")
    expect(timeline).to_contain_text("Published: open for proposals")
    expect(timeline).to_contain_text("AirSense piloted 60 sensors; the map is public.")
    # ...but not the proposal itself.
    expect(visitor.locator(".proposal")).to_have_count(0)
    startup_page.goto(post_url)
    expect(startup_page.get_by_test_id("proposal-status")).to_have_text("Accepted")
