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
