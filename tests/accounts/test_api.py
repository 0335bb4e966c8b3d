import pytest
from rest_framework.test import APIClient

from members.models import Role
from tests.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


def test_me_anonymous_gets_the_standard_error(api_client_for):
    response = api_client_for(None).get(ME)
    assert response.status_code in (401, 403)
    assert response.json() == {
        "type": "client_error",
        "errors": [
            {
                "code": "not_authenticated",
                "detail": "Authentication credentials were not provided.",
                "attr": None,
            }
        ],
    }


def test_me_shows_only_the_callers_own_organizations(api_client_for, django_assert_max_num_queries):
    user = UserFactory.create(name="Aruzhan", email="aruzhan@example.com", language="kk")
    owned = MembershipFactory.create(user=user, role=Role.OWNER).organization
    member_of = MembershipFactory.create(user=user, role=Role.MEMBER).organization
    MembershipFactory.create()  # someone else's organisation
    MembershipFactory.create()
    client = api_client_for(user)
    with django_assert_max_num_queries(2):
        response = client.get(ME)
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == user.pk
    assert body["email"] == "aruzhan@example.com"
    assert body["name"] == "Aruzhan"
    assert sorted(body["organizations"], key=lambda o: o["slug"]) == sorted(
        [
            {"slug": owned.slug, "name": owned.name, "role": "owner"},
            {"slug": member_of.slug, "name": member_of.name, "role": "member"},
        ],
        key=lambda o: o["slug"],
    )


def test_session_writes_need_the_csrf_token():
    user = UserFactory.create()
    client = APIClient(enforce_csrf_checks=True)
    client.login(email=user.email, password=PASSWORD)
    response = client.post(ME, {})
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "permission_denied"
    assert "CSRF" in response.json()["errors"][0]["detail"]


def test_api_client_logs_in_headless_and_uses_the_session_token():
    user = UserFactory.create()
    client = APIClient()
    response = client.post(
        "/_allauth/app/v1/auth/login",
        {"email": user.email, "password": PASSWORD},
        format="json",
    )
    assert response.status_code == 200, response.content
    token = response.json()["meta"]["session_token"]

    anonymous = APIClient().get(ME)
    assert anonymous.status_code in (401, 403)
    me = APIClient().get(ME, HTTP_X_SESSION_TOKEN=token)
    assert me.status_code == 200
    assert me.json()["email"] == user.email
    bad = APIClient().get(ME, HTTP_X_SESSION_TOKEN="not-a-token")
    assert bad.status_code in (401, 403)


def test_headless_login_with_a_wrong_password_is_refused():
    user = UserFactory.create()
    response = APIClient().post(
        "/_allauth/app/v1/auth/login",
        {"email": user.email, "password": "wrong"},
        format="json",
    )
    assert response.status_code == 400
    assert "session_token" not in response.json().get("meta", {})


def test_unknown_api_url_answers_json_in_the_same_error_format(client):
    response = client.get("/api/v1/does-not-exist/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["errors"][0]["code"] == "not_found"


def test_openapi_schema_and_self_hosted_docs(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    body = schema.json()
    assert body["openapi"].startswith("3.")
    assert "/api/v1/me/" in body["paths"]

    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower()
