import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from boards import selectors, services
from tests.factories import UserFactory

from .conftest import pdf_upload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["post", "proposal", "attachment", "postmatch", "holiday"])
def test_the_admin_pages_of_the_boards_open(model, client_for, problem, proposal, cast):
    services.attachment_add(user=cast.official, post=problem, upload=pdf_upload())
    services.post_matches_refresh(post=problem)
    admin = UserFactory.create(is_staff=True, is_superuser=True)
    client = client_for(admin)
    assert client.get(f"/admin/boards/{model}/").status_code == 200
    assert client.get(f"/admin/boards/{model}/add/").status_code == 200
    if model == "post":
        assert client.get(f"/admin/boards/post/{problem.pk}/change/").status_code == 200


def test_the_profile_section_renders_posts_and_metrics(cast, problem, make_post, proposal):
    draft = make_post(publish=False, title="Department draft")
    request = RequestFactory().get("/members/ecology-dept/")

    def section(viewer):
        request.user = viewer
        return render_to_string(
            "boards/_organization_posts.html",
            {
                "organization": cast.department,
                "board_posts": selectors.post_list_for_organization(
                    organization=cast.department, viewer=viewer
                ),
                "response_metrics": selectors.response_metrics_for_organization(
                    organization=cast.department
                ),
            },
            request=request,
        )

    own = section(cast.official)
    assert problem.title in own
    assert draft.title in own  # its own members see its drafts
    assert "working days to a first response" in own
    public = section(cast.outsider)
    assert problem.title in public
    assert draft.title not in public
