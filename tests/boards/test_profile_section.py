"""The organisation profile (members app) shows the organisation's board posts and, for a
government body, how it answers proposals."""

import pytest

pytestmark = pytest.mark.django_db


def test_profile_lists_published_posts_and_response_metrics(
    problem, make_post, client, django_assert_max_num_queries
):
    draft = make_post(publish=False, title="A draft nobody outside may see")
    with django_assert_max_num_queries(14):
        page = client.get("/members/ecology-dept/")
    html = page.content.decode()
    assert page.status_code == 200
    assert problem.title in html
    assert draft.title not in html
    assert "org-board-posts" in html
    assert page.context["response_metrics"] is not None


def test_profile_shows_drafts_to_its_own_members(problem, make_post, cast, client_for):
    draft = make_post(publish=False, title="Our own unfinished draft")
    html = client_for(cast.official).get("/members/ecology-dept/").content.decode()
    assert draft.title in html
    assert problem.title in html


def test_non_government_profile_has_no_response_metrics(cast, client):
    page = client.get(f"/members/{cast.startup.slug}/")
    assert page.status_code == 200
    assert page.context["response_metrics"] is None


def test_forms_preselect_the_organisation_the_user_acts_for(cast, problem, client_for):
    from tests.factories import MembershipFactory, OrganizationFactory

    second = OrganizationFactory.create(name="Second Startup", slug="second-startup")
    MembershipFactory.create(user=cast.founder, organization=second)
    client = client_for(cast.founder)
    client.post("/members/switch/", {"organization": "second-startup", "next": "/"})
    form = client.get("/boards/new/").context["form"]
    assert form.initial["organization"] == "second-startup"
    form = client.get(f"/boards/{problem.pk}/propose/").context["form"]
    assert form.initial["organization"] == "second-startup"


def test_dashboard_counts_the_boards_and_warns_about_overdue_proposals(
    proposal, cast, client_for, django_assert_max_num_queries
):
    from datetime import timedelta

    from django.utils import timezone

    from boards.models import Proposal

    Proposal.objects.filter(pk=proposal.pk).update(
        response_due_on=timezone.localdate() - timedelta(days=1)
    )
    official = client_for(cast.official)
    with django_assert_max_num_queries(10):
        page = official.get("/dashboard/")
    assert page.context["boards"] == {
        "problems": 1,
        "projects": 0,
        "calls": 0,
        "recent_proposals": 1,
        "overdue": 1,
    }
    assert "waiting past its response window" in page.content.decode()
    # The proposer's side has nothing overdue to answer.
    page = client_for(cast.founder).get("/dashboard/")
    assert page.context["boards"]["overdue"] == 0
    assert "response window" not in page.content.decode()
