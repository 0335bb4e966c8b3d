import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from members.models import Organization
from tests.factories import OrganizationFactory
from ucs.celery import app as celery_app

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def failing_urls(settings):
    settings.ROOT_URLCONF = "tests.core.urls_raise"


@pytest.mark.parametrize("path", ["/", "/members/", "/accounts/login/", "/accounts/signup/"])
def test_public_pages_render_under_a_strict_csp(client, path):
    response = client.get(path)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    html = response.content.decode()
    # No inline script, no inline style, nothing from another host.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"(src|href)=\"(https?:)?//", html)


def test_home_shows_what_is_new(client):
    OrganizationFactory.create(name="Brand New Lab")
    response = client.get("/")
    assert "Brand New Lab" in response.content.decode()


def test_home_query_count_does_not_grow(client, django_assert_max_num_queries):
    OrganizationFactory.create_batch(12)
    # Ecosystem counts (2), newest open city problems, newest organisations and their tags.
    with django_assert_max_num_queries(5):
        client.get("/")


class TestDashboard:
    def test_anonymous_is_sent_to_log_in(self, client):
        response = client.get("/dashboard/")
        assert response.status_code == 302

    def test_user_sees_ecosystem_counts(self, client_for, user, django_assert_max_num_queries):
        OrganizationFactory.create_batch(3, verified=True)
        OrganizationFactory.create_batch(2)
        client = client_for(user)
        # Session, user, ecosystem (2), boards (4), memberships (2): none grows with the rows.
        with django_assert_max_num_queries(10):
            response = client.get("/dashboard/")
        assert response.status_code == 200
        ecosystem = response.context["ecosystem"]
        assert (ecosystem["total"], ecosystem["verified"]) == (5, 3)


def test_navigation_is_translated(client):
    client.post("/i18n/setlang/", {"language": "kk", "next": "/"})
    html = client.get("/").content.decode()
    assert 'lang="kk"' in html
    assert "Каталог" in html


class TestErrorPages:
    def test_404_is_the_sites_own_page(self, client):
        response = client.get("/no/such/page/")
        assert response.status_code == 404
        html = response.content.decode()
        assert "Page not found" in html
        assert "site-header" in html

    def test_403_is_the_sites_own_page(self, failing_urls, client):
        response = client.get("/test/forbidden/")
        assert response.status_code == 403
        assert "Access denied" in response.content.decode()

    def test_400_is_the_sites_own_page(self, failing_urls, client):
        response = client.get("/test/bad/")
        assert response.status_code == 400
        assert "Bad request" in response.content.decode()

    def test_500_is_the_sites_own_page_without_a_traceback(self, failing_urls):
        response = Client(raise_request_exception=False).get("/test/boom/")
        assert response.status_code == 500
        html = response.content.decode()
        assert "Something went wrong" in html
        assert "Traceback" not in html
        assert "boom" not in html

    def test_api_500_is_json(self, failing_urls):
        response = Client(raise_request_exception=False).get("/api/v1/test/boom/")
        assert response.status_code == 500
        assert response.json()["type"] == "server_error"


def test_seed_demo_is_idempotent():
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    counts = (User.objects.count(), Organization.objects.count())
    kinds = set(Organization.objects.values_list("kind", flat=True))
    districts = set(Organization.objects.values_list("district", flat=True))
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert (User.objects.count(), Organization.objects.count()) == counts
    assert len(kinds) == 10
    assert len(districts) == 8


def test_celery_is_configured_for_safe_delivery():
    conf = celery_app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert "accounts.tasks.send_email" in celery_app.tasks
    assert "clear-expired-sessions" in conf.beat_schedule


def _settings_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "ucs.settings.production", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_its_secrets():
    result = _settings_check({"SECRET_KEY": "", "ALLOWED_HOSTS": ""})
    assert result.returncode != 0
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"):
        assert name in result.stderr


def test_production_passes_the_deploy_check():
    result = _settings_check(
        {
            "SECRET_KEY": "x7#Lq" * 12,
            "ALLOWED_HOSTS": "ucs.example",
            "DATABASE_URL": "postgres://ucs:secret@db.invalid:5432/ucs",
            "REDIS_URL": "redis://redis.invalid:6379/0",
        }
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_translation_catalogs_are_complete():
    for po in sorted(ROOT.glob("locale*/*/LC_MESSAGES/*.po")):
        result = subprocess.run(
            ["msgfmt", "--check", "--statistics", "-o", os.devnull, str(po)],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
        assert "untranslated" not in result.stderr, f"{po}: {result.stderr}"
        assert "fuzzy" not in result.stderr, f"{po}: {result.stderr}"
    assert {p.parent.parent.name for p in ROOT.glob("locale/*/LC_MESSAGES/django.po")} == {
        "ru",
        "kk",
    }


def test_account_pages_speak_kazakh_too(client):
    # allauth ships no Kazakh and Django's is incomplete: locale-thirdparty fills both.
    client.post("/i18n/setlang/", {"language": "kk", "next": "/"})
    html = client.get("/accounts/signup/").content.decode()
    assert "Тіркелу" in html  # allauth: "Sign Up"
    assert "Your password can’t be too similar" not in html  # Django auth's password rules
    response = client.post("/accounts/signup/", {"email": "not-an-email"})
    assert "Sign Up" not in response.content.decode()


def test_links_in_emails_use_the_configured_site_domain(settings):
    from django.contrib.sites.models import Site

    from core.apps import sync_site

    assert Site.objects.get_current().domain == settings.SITE_DOMAIN
    settings.SITE_DOMAIN = "ucs.example.kz"
    sync_site(using="default")
    Site.objects.clear_cache()
    assert Site.objects.get_current().domain == "ucs.example.kz"
