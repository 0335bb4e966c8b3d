"""`/api/v1/posts/…` and `/api/v1/proposals/…` for every kind of caller."""

import pytest

from boards.models import Post, PostStatus, ProposalStatus
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

from .conftest import post_data

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", "manager", "proposer", "moderator"]


def who(cast, role):
    return {
        "anonymous": None,
        "outsider": cast.outsider,
        "manager": cast.official,
        "proposer": cast.founder,
        "moderator": cast.moderator,
    }[role]


def body(**overrides):
    data = post_data(**overrides)
    data["deadline"] = data["deadline"].isoformat()
    data.setdefault("organization", "ecology-dept")
    return data


# --- posts/ ----------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ROLES)
def test_everyone_lists_published_posts(role, cast, problem, make_post, api_client_for):
    make_post(publish=False, title="Secret draft")
    response = api_client_for(who(cast, role)).get("/api/v1/posts/")
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"count", "next", "previous", "results"}
    assert [p["id"] for p in data["results"]] == [problem.pk]
    item = data["results"][0]
    assert item["kind"] == "problem"
    assert item["organization"]["slug"] == "ecology-dept"
    assert item["categories"] == ["ecology"]
    assert item["proposal_count"] == 0


def test_the_list_filters_like_the_page(cast, make_post, api_client_for):
    transport = make_post(title="Bus lanes", categories=["transport"], districts=["almaly"])
    make_post(title="Smog")
    client = api_client_for(None)
    for query in ("category=transport", "district=almaly", "search=bus", "kind=problem"):
        ids = [p["id"] for p in client.get(f"/api/v1/posts/?{query}").json()["results"]]
        assert transport.pk in ids
    assert client.get("/api/v1/posts/?category=transport").json()["count"] == 1
    assert client.get("/api/v1/posts/?kind=spaceship").status_code == 400


def test_the_list_endpoint_query_count_is_pinned(
    cast, make_post, make_proposal, api_client_for, django_assert_max_num_queries
):
    client = api_client_for(cast.founder)
    make_proposal(make_post())
    with django_assert_max_num_queries(5):
        client.get("/api/v1/posts/")
    for i in range(12):
        make_post(title=f"Problem {i}")
    with django_assert_max_num_queries(5):
        response = client.get("/api/v1/posts/")
    assert response.json()["count"] == 13


def test_anonymous_cannot_create(api_client_for):
    response = api_client_for(None).post("/api/v1/posts/", body(), format="json")
    assert response.status_code in (401, 403)


def test_a_department_creates_and_publishes_a_problem(cast, api_client_for):
    response = api_client_for(cast.official).post(
        "/api/v1/posts/", body(status="open"), format="json"
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "open"
    assert data["organization"]["slug"] == "ecology-dept"
    assert [e["to_status"] for e in data["timeline"]] == ["draft", "open"]
    assert data["contact_email"] == "arman@city.example"


def test_a_post_is_saved_as_a_draft_by_default(cast, api_client_for):
    response = api_client_for(cast.official).post("/api/v1/posts/", body(), format="json")
    assert response.json()["status"] == "draft"


@pytest.mark.parametrize("role", ["outsider", "proposer", "moderator"])
def test_nobody_creates_a_problem_for_a_department_they_are_not_in(role, cast, api_client_for):
    response = api_client_for(who(cast, role)).post(
        "/api/v1/posts/", body(status="open"), format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "organization"
    assert not Post.objects.exists()


def test_a_startup_cannot_publish_a_problem(cast, api_client_for):
    response = api_client_for(cast.founder).post(
        "/api/v1/posts/", body(organization="airsense", status="open"), format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "kind"


def test_an_unverified_government_cannot_publish_a_problem(api_client_for):
    org = OrganizationFactory.create(kind="government", slug="unverified-dept")
    person = UserFactory.create()
    MembershipFactory.create(user=person, organization=org)
    response = api_client_for(person).post(
        "/api/v1/posts/", body(organization="unverified-dept", status="open"), format="json"
    )
    assert response.status_code == 400


def test_the_body_cannot_choose_the_author(cast, api_client_for):
    response = api_client_for(cast.official).post(
        "/api/v1/posts/", {**body(), "author": cast.founder.pk}, format="json"
    )
    assert response.status_code == 201
    assert Post.objects.get().author == cast.official


# --- posts/<id>/ -----------------------------------------------------------------------------
@pytest.mark.parametrize("role", ROLES)
def test_reading_a_post(role, cast, problem, make_post, api_client_for):
    client = api_client_for(who(cast, role))
    response = client.get(f"/api/v1/posts/{problem.pk}/")
    assert response.status_code == 200
    data = response.json()
    assert data["body"].startswith("Winter smog")
    assert (data["contact_email"] is None) is (role == "anonymous")
    draft = make_post(publish=False)
    assert client.get(f"/api/v1/posts/{draft.pk}/").status_code == (
        200 if role == "manager" else 404
    )


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 403),
        ("outsider", 403),
        ("proposer", 403),
        ("moderator", 403),
        ("manager", 200),
    ],
)
def test_only_the_posting_organisation_updates(
    role, expected, cast, problem, proposal, api_client_for
):
    response = api_client_for(who(cast, role)).patch(
        f"/api/v1/posts/{problem.pk}/", {"title": "Changed"}, format="json"
    )
    assert response.status_code == expected
    problem.refresh_from_db()
    assert (problem.title == "Changed") is (expected == 200)


def test_transitions_through_the_api(cast, problem, api_client_for):
    client = api_client_for(cast.official)
    url = f"/api/v1/posts/{problem.pk}/"
    assert client.patch(url, {"status": "reviewing"}, format="json").json()["status"] == "reviewing"
    refused = client.patch(url, {"status": "open"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["attr"] == "status"
    missing = client.patch(url, {"status": "closed"}, format="json")
    assert missing.status_code == 400
    closed = client.patch(
        url,
        {"status": "closed", "outcome": "no_suitable_proposal", "statement": "None fit."},
        format="json",
    ).json()
    assert closed["status"] == "closed"
    assert closed["outcome"] == "no_suitable_proposal"
    assert closed["timeline"][-1]["note"] == "None fit."


def test_a_moderator_may_only_close_through_the_api(cast, problem, api_client_for):
    client = api_client_for(cast.moderator)
    url = f"/api/v1/posts/{problem.pk}/"
    assert client.patch(url, {"status": "reviewing"}, format="json").status_code == 403
    response = client.patch(
        url, {"status": "closed", "outcome": "cancelled", "statement": "Spam."}, format="json"
    )
    assert response.status_code == 200


def test_follow_through_the_api(cast, problem, api_client_for):
    client = api_client_for(cast.outsider)
    assert client.post(f"/api/v1/posts/{problem.pk}/follow/").status_code == 204
    assert problem.follows.filter(user=cast.outsider).exists()
    assert client.delete(f"/api/v1/posts/{problem.pk}/follow/").status_code == 204
    assert api_client_for(None).post(f"/api/v1/posts/{problem.pk}/follow/").status_code in (
        401,
        403,
    )


# --- posts/<id>/proposals/ -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "visible"),
    [("anonymous", 0), ("outsider", 0), ("moderator", 0), ("proposer", 1), ("manager", 2)],
)
def test_listing_proposals(role, visible, cast, problem, make_proposal, api_client_for):
    make_proposal(problem)
    make_proposal(problem, user=cast.other_founder, org="parkit")
    response = api_client_for(who(cast, role)).get(f"/api/v1/posts/{problem.pk}/proposals/")
    assert response.status_code == 200
    assert response.json()["count"] == visible
    assert api_client_for(None).get(f"/api/v1/posts/{problem.pk}/").json()["proposal_count"] == 2


def test_submitting_a_proposal(cast, problem, api_client_for):
    payload = {
        "organization": "airsense",
        "summary": "Sensors",
        "approach": "Lamps",
        "team": "Five",
        "timeline": "Three months",
    }
    response = api_client_for(cast.founder).post(
        f"/api/v1/posts/{problem.pk}/proposals/", payload, format="json"
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "submitted"
    assert data["organization"]["slug"] == "airsense"
    assert data["response_due_on"]
    assert data["overdue"] is False
    again = api_client_for(cast.founder).post(
        f"/api/v1/posts/{problem.pk}/proposals/", payload, format="json"
    )
    assert again.status_code == 400
    own = api_client_for(cast.official).post(
        f"/api/v1/posts/{problem.pk}/proposals/",
        {**payload, "organization": "ecology-dept"},
        format="json",
    )
    assert own.status_code == 400
    anonymous = api_client_for(None).post(
        f"/api/v1/posts/{problem.pk}/proposals/", payload, format="json"
    )
    assert anonymous.status_code in (401, 403)


# --- proposals/<id>/ -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 403),
        ("outsider", 404),
        ("moderator", 404),
        ("proposer", 200),
        ("manager", 200),
    ],
)
def test_reading_a_proposal(role, expected, cast, proposal, api_client_for):
    response = api_client_for(who(cast, role)).get(f"/api/v1/proposals/{proposal.pk}/")
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("role", "status", "expected"),
    [
        ("manager", "shortlisted", 200),
        ("manager", "accepted", 200),
        ("manager", "withdrawn", 403),
        ("proposer", "withdrawn", 200),
        ("proposer", "accepted", 403),
        ("proposer", "shortlisted", 403),
        ("outsider", "accepted", 404),
        ("moderator", "declined", 404),
        ("anonymous", "withdrawn", 403),
    ],
)
def test_status_changes_by_the_side_allowed(role, status, expected, cast, proposal, api_client_for):
    response = api_client_for(who(cast, role)).patch(
        f"/api/v1/proposals/{proposal.pk}/", {"status": status, "reason": "r"}, format="json"
    )
    assert response.status_code == expected
    proposal.refresh_from_db()
    assert (proposal.status == status) is (expected == 200)


def test_declining_needs_a_reason_the_proposer_sees(cast, proposal, api_client_for):
    url = f"/api/v1/proposals/{proposal.pk}/"
    assert (
        api_client_for(cast.official).patch(url, {"status": "declined"}, format="json").status_code
        == 400
    )
    api_client_for(cast.official).patch(
        url, {"status": "declined", "reason": "Over budget."}, format="json"
    )
    data = api_client_for(cast.founder).get(url).json()
    assert (data["status"], data["decision_reason"]) == (ProposalStatus.DECLINED, "Over budget.")


def test_the_schema_describes_the_boards_api(client):
    schema = client.get("/api/schema/?format=json").json()
    for path in (
        "/api/v1/posts/",
        "/api/v1/posts/{id}/",
        "/api/v1/posts/{id}/proposals/",
        "/api/v1/proposals/{id}/",
    ):
        assert path in schema["paths"], path
    assert {"get", "post"} <= set(schema["paths"]["/api/v1/posts/"])
    assert "patch" in schema["paths"]["/api/v1/proposals/{id}/"]
    assert PostStatus.IN_PROGRESS in schema["components"]["schemas"]["PostStatusEnum"]["enum"]


# --- attachments and matches -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 403),
        ("outsider", 403),
        ("proposer", 403),
        ("moderator", 403),
        ("manager", 201),
    ],
)
def test_attaching_to_a_post(role, expected, cast, problem, api_client_for):
    from .conftest import pdf_upload

    response = api_client_for(who(cast, role)).post(
        f"/api/v1/posts/{problem.pk}/attachments/", {"file": pdf_upload()}, format="multipart"
    )
    assert response.status_code == expected
    assert problem.attachments.count() == (1 if expected == 201 else 0)
    if expected == 201:
        assert response.json()["content_type"] == "application/pdf"
        assert response.json()["url"].startswith("/boards/attachments/")


def test_a_disguised_file_is_refused_by_the_api(cast, problem, api_client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("x.pdf", b"<html><script>alert(1)</script></html>")
    response = api_client_for(cast.official).post(
        f"/api/v1/posts/{problem.pk}/attachments/", {"file": fake}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "attachments"


@pytest.mark.parametrize(
    ("role", "expected"),
    [("outsider", 404), ("moderator", 404), ("manager", 403), ("proposer", 201)],
)
def test_attaching_to_a_proposal(role, expected, cast, proposal, api_client_for):
    from .conftest import png_upload

    response = api_client_for(who(cast, role)).post(
        f"/api/v1/proposals/{proposal.pk}/attachments/", {"file": png_upload()}, format="multipart"
    )
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("role", "visible"), [("manager", True), ("proposer", False), ("outsider", False)]
)
def test_matches_only_for_the_posting_organisation(role, visible, cast, problem, api_client_for):
    from boards import services as board_services

    board_services.post_matches_refresh(post=problem)
    data = api_client_for(who(cast, role)).get(f"/api/v1/posts/{problem.pk}/matches/").json()
    assert (data["count"] > 0) is visible
    if visible:
        assert data["results"][0]["organization"]["slug"] == "airsense"
        assert "ecology" in data["results"][0]["reasons"]["categories"]
