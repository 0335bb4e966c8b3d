"""Every page of the boards for the anonymous visitor, an outsider, the posting organisation,
the proposer and a moderator; filters; pinned query counts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from boards import services
from boards.models import Post, PostKind, PostStatus, ProposalStatus

from .conftest import pdf_upload, post_data

pytestmark = pytest.mark.django_db


def who(cast, role):
    return {
        "anonymous": None,
        "outsider": cast.outsider,
        "manager": cast.official,
        "proposer": cast.founder,
        "moderator": cast.moderator,
    }[role]


ROLES = ["anonymous", "outsider", "manager", "proposer", "moderator"]


# --- The list ----------------------------------------------------------------------------
@pytest.mark.parametrize("role", ROLES)
def test_everyone_sees_the_boards_but_drafts_only_their_own(role, cast, make_post, client_for):
    published = make_post(title="Published problem")
    draft = make_post(publish=False, title="Secret draft")
    response = client_for(who(cast, role)).get("/boards/")
    assert response.status_code == 200
    assert published.title in response.content.decode()
    assert draft.title not in response.content.decode()
    own_listing = client_for(who(cast, role)).get("/boards/?organization=ecology-dept")
    assert (draft.title in own_listing.content.decode()) is (role == "manager")


def test_filters_search_and_sorting(cast, make_post, client_for):
    soon = make_post(
        title="Bus lanes",
        categories=["transport"],
        districts=["almaly"],
        deadline=timezone.localdate() + timedelta(days=3),
    )
    later = make_post(title="Smog map", deadline=timezone.localdate() + timedelta(days=40))
    project = services.post_create(
        user=cast.founder,
        organization_slug="airsense",
        publish=True,
        **post_data(kind=PostKind.PROJECT, title="Sensor standard", tags=["open data"]),
    )
    client = client_for(None)

    def titles(query):
        response = client.get(f"/boards/?{query}")
        assert response.status_code == 200
        return [p.title for p in response.context["page"].object_list]

    assert titles("kind=project") == [project.title]
    assert titles("category=transport") == [soon.title]
    assert titles("district=almaly") == [soon.title]
    assert titles("organization=airsense") == [project.title]
    assert titles("q=smog") == [later.title]
    assert titles("q=open+data") == [project.title]  # by tag
    assert titles("q=airsense") == [project.title]  # by organisation
    assert titles("sort=deadline")[0] == soon.title
    assert titles("sort=newest")[0] == project.title
    services.post_transition(user=cast.official, post=later, to_status=PostStatus.REVIEWING)
    assert titles("status=reviewing") == [later.title]
    # Nonsense in the URL is ignored rather than an error.
    assert len(titles("kind=spaceship&sort=random")) == 3


def test_the_boards_page_paginates_and_keeps_the_filters(cast, make_post, client_for):
    for i in range(22):
        make_post(title=f"Problem {i}")
    response = client_for(None).get("/boards/?kind=problem")
    assert response.context["page"].paginator.num_pages == 2
    assert "kind=problem&amp;page=2" in response.content.decode()


def test_the_boards_page_query_count_does_not_grow(
    cast, make_post, make_proposal, client_for, django_assert_max_num_queries
):
    client = client_for(cast.official)
    client.get("/boards/")  # warm the session and site caches
    for i in range(3):
        make_proposal(make_post(title=f"Problem {i}"))
    with django_assert_max_num_queries(9):
        small = client.get("/boards/")
    for i in range(15):
        make_post(title=f"More {i}")
    with django_assert_max_num_queries(9):
        large = client.get("/boards/")
    assert len(large.context["page"].object_list) == 18 > len(small.context["page"].object_list)


# --- The post page ---------------------------------------------------------------------------
@pytest.mark.parametrize("role", ROLES)
def test_the_post_page_shows_proposals_only_to_those_who_may_see_them(
    role, cast, problem, make_proposal, client_for
):
    mine = make_proposal(problem)
    theirs = make_proposal(problem, user=cast.other_founder, org="parkit")
    response = client_for(who(cast, role)).get(f"/boards/{problem.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "2 organisations have answered" in page or role == "manager"
    sees_mine = f'id="proposal-{mine.pk}"' in page
    sees_theirs = f'id="proposal-{theirs.pk}"' in page
    assert sees_mine is (role in ("manager", "proposer"))
    assert sees_theirs is (role == "manager")
    assert ("Manage this post" in page) is (role == "manager")
    assert ("Suggested organisations" in page) is (role == "manager")
    assert ("Moderation" in page) is (role == "moderator")


@pytest.mark.parametrize("role", ROLES)
def test_a_draft_is_404_for_everyone_but_its_organisation(role, cast, make_post, client_for):
    draft = make_post(publish=False)
    response = client_for(who(cast, role)).get(f"/boards/{draft.pk}/")
    assert response.status_code == (200 if role == "manager" else 404)


def test_the_post_page_renders_markdown_safely(cast, make_post, client_for):
    post = make_post(body="**Bold** <script>alert(1)</script> [x](javascript:alert(2))")
    page = client_for(None).get(f"/boards/{post.pk}/").content.decode()
    assert "<strong>Bold</strong>" in page
    assert "<script>alert(1)" not in page
    assert "javascript:alert" not in page


def test_the_post_page_query_count_does_not_grow_with_proposals(
    cast, problem, make_proposal, client_for, django_assert_max_num_queries
):
    from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

    client = client_for(cast.official)
    make_proposal(problem)
    client.get(f"/boards/{problem.pk}/")
    with django_assert_max_num_queries(16):
        client.get(f"/boards/{problem.pk}/")
    for _ in range(8):
        person, org = UserFactory.create(), OrganizationFactory.create()
        MembershipFactory.create(user=person, organization=org)
        make_proposal(problem, user=person, org=org.slug)
    with django_assert_max_num_queries(16):
        response = client.get(f"/boards/{problem.pk}/")
    assert len(response.context["proposals"]) == 9


# --- Writing ---------------------------------------------------------------------------------
def _form(**overrides):
    data = post_data(**overrides)
    form = {k: v for k, v in data.items() if k not in ("categories", "districts", "tags")}
    form["deadline"] = data["deadline"].isoformat()
    form["categories"] = data["categories"]
    form["districts"] = data["districts"]
    form["tags"] = ", ".join(data["tags"])
    form["organization"] = overrides.get("organization", "ecology-dept")
    form["action"] = "publish"
    return form


def test_anonymous_visitors_are_sent_to_log_in(problem, client_for):
    client = client_for(None)
    for url in ("/boards/new/", f"/boards/{problem.pk}/edit/", f"/boards/{problem.pk}/propose/"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    for url in (f"/boards/{problem.pk}/status/", f"/boards/{problem.pk}/follow/"):
        assert client.post(url, {"status": "closed"}).status_code == 302
    problem.refresh_from_db()
    assert problem.status == PostStatus.OPEN


def test_a_department_publishes_a_problem_with_an_attachment(cast, client_for):
    form = _form()
    form["attachments"] = [pdf_upload()]
    response = client_for(cast.official).post("/boards/new/", form)
    post = Post.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/boards/{post.pk}/"
    assert post.status == PostStatus.OPEN
    assert post.attachments.get().content_type == "application/pdf"


def test_saving_a_draft(cast, client_for):
    form = _form()
    form["action"] = "draft"
    client_for(cast.official).post("/boards/new/", form)
    assert Post.objects.get().status == PostStatus.DRAFT


def test_a_startup_cannot_publish_a_problem_and_loses_nothing(cast, client_for):
    client = client_for(cast.founder)
    page = client.get("/boards/new/?kind=problem").content.decode()
    assert 'value="problem"' not in page  # not even offered
    assert "None of your organisations is a verified government body" in page
    response = client.post("/boards/new/", _form(organization="airsense"))
    assert response.status_code == 200
    assert "kind" in response.context["form"].errors
    assert response.context["form"]["title"].value() == post_data()["title"]
    assert not Post.objects.exists()


def test_a_problem_needs_the_government_organisation_not_just_a_government_member(cast, client_for):
    from tests.factories import MembershipFactory

    MembershipFactory.create(user=cast.official, organization=cast.startup)
    response = client_for(cast.official).post("/boards/new/", _form(organization="airsense"))
    assert response.status_code == 200
    assert "Only verified government organisations" in response.content.decode()
    assert not Post.objects.exists()


def test_an_outsider_cannot_post_for_someone_elses_organisation(cast, client_for):
    from tests.factories import MembershipFactory, OrganizationFactory

    MembershipFactory.create(
        user=cast.outsider, organization=OrganizationFactory.create(slug="mine")
    )
    response = client_for(cast.outsider).post("/boards/new/", _form())
    assert response.status_code == 200
    assert not Post.objects.exists()


def test_someone_without_an_organisation_is_told_to_join_one(cast, client_for):
    response = client_for(cast.outsider).get("/boards/new/")
    assert response.status_code == 302


@pytest.mark.parametrize("role", ["outsider", "proposer", "moderator"])
def test_only_the_posting_organisation_edits(role, cast, problem, client_for):
    client = client_for(who(cast, role))
    assert client.get(f"/boards/{problem.pk}/edit/").status_code == 404
    assert client.post(f"/boards/{problem.pk}/edit/", _form(title="Hijacked")).status_code == 404
    problem.refresh_from_db()
    assert problem.title != "Hijacked"


def test_the_posting_organisation_edits(cast, problem, client_for):
    form = _form(title="Sharper title")
    form["action"] = "save"
    response = client_for(cast.official).post(f"/boards/{problem.pk}/edit/", form)
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.title == "Sharper title"


def test_transitions_through_the_page(cast, problem, client_for):
    client = client_for(cast.official)
    client.post(f"/boards/{problem.pk}/status/", {"status": "reviewing"})
    problem.refresh_from_db()
    assert problem.status == PostStatus.REVIEWING
    # An illegal move is refused with a message, and nothing changes.
    response = client.post(f"/boards/{problem.pk}/status/", {"status": "completed"}, follow=True)
    assert "cannot become" in response.content.decode()
    problem.refresh_from_db()
    assert problem.status == PostStatus.REVIEWING
    client.post(
        f"/boards/{problem.pk}/status/",
        {"status": "closed", "outcome": "cancelled", "statement": "The budget moved."},
    )
    problem.refresh_from_db()
    assert problem.status == PostStatus.CLOSED
    page = client_for(None).get(f"/boards/{problem.pk}/").content.decode()
    assert "The budget moved." in page


@pytest.mark.parametrize("role", ["outsider", "proposer"])
def test_others_cannot_change_the_status(role, cast, problem, proposal, client_for):
    response = client_for(who(cast, role)).post(
        f"/boards/{problem.pk}/status/", {"status": "reviewing"}
    )
    assert response.status_code == 403
    problem.refresh_from_db()
    assert problem.status == PostStatus.OPEN


def test_follow_and_unfollow(cast, problem, client_for):
    client = client_for(cast.outsider)
    client.post(f"/boards/{problem.pk}/follow/")
    assert problem.follows.filter(user=cast.outsider).exists()
    client.post(f"/boards/{problem.pk}/follow/", {"follow": "0"})
    assert not problem.follows.filter(user=cast.outsider).exists()


# --- Proposals through the pages -------------------------------------------------------------
def _proposal_form(org="airsense"):
    return {
        "organization": org,
        "summary": "Sensors on lamps",
        "approach": "We install them.",
        "team": "Five",
        "timeline": "Three months",
    }


def test_a_startup_proposes_through_the_page(cast, problem, client_for):
    client = client_for(cast.founder)
    assert client.get(f"/boards/{problem.pk}/propose/").status_code == 200
    response = client.post(f"/boards/{problem.pk}/propose/", _proposal_form())
    proposal = problem.proposals.get()
    assert response["Location"] == f"/boards/{problem.pk}/#proposal-{proposal.pk}"


def test_the_propose_page_offers_only_other_organisations(cast, problem, client_for):
    # The department's own member has no other organisation: sent back to the post.
    response = client_for(cast.official).get(f"/boards/{problem.pk}/propose/")
    assert response.status_code == 302
    response = client_for(cast.official).post(
        f"/boards/{problem.pk}/propose/", _proposal_form(org="ecology-dept")
    )
    assert not problem.proposals.exists()


def test_a_proposal_form_with_errors_keeps_the_input(cast, problem, client_for):
    form = _proposal_form()
    form["team"] = ""
    response = client_for(cast.founder).post(f"/boards/{problem.pk}/propose/", form)
    assert response.status_code == 200
    assert response.context["form"]["summary"].value() == "Sensors on lamps"


def test_deciding_through_the_page(cast, proposal, client_for):
    url = f"/boards/proposals/{proposal.pk}/status/"
    client_for(cast.official).post(url, {"status": "shortlisted"})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SHORTLISTED
    response = client_for(cast.official).post(url, {"status": "declined"}, follow=True)
    assert "reason is required" in response.content.decode()
    client_for(cast.official).post(url, {"status": "accepted"})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED


@pytest.mark.parametrize(
    ("role", "status", "expected"),
    [
        ("anonymous", "accepted", 302),
        ("outsider", "accepted", 404),
        ("moderator", "accepted", 404),
        ("proposer", "accepted", 403),
        ("manager", "withdrawn", 403),
    ],
)
def test_deciding_is_for_the_right_side_only(role, status, expected, cast, proposal, client_for):
    response = client_for(who(cast, role)).post(
        f"/boards/proposals/{proposal.pk}/status/", {"status": status}
    )
    assert response.status_code == expected
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED


def test_the_proposer_withdraws_through_the_page(cast, proposal, client_for):
    client_for(cast.founder).post(
        f"/boards/proposals/{proposal.pk}/status/", {"status": "withdrawn"}
    )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.WITHDRAWN


def test_the_proposer_sees_the_decline_reason(cast, proposal, client_for):
    services.proposal_decline(user=cast.official, proposal=proposal, reason="Over budget.")
    page = client_for(cast.founder).get(f"/boards/{proposal.post_id}/").content.decode()
    assert "Over budget." in page
    assert (
        "Over budget."
        not in client_for(cast.outsider).get(f"/boards/{proposal.post_id}/").content.decode()
    )


# --- Home page -------------------------------------------------------------------------------
def test_the_home_page_shows_the_newest_open_city_problems(cast, make_post, client_for):
    open_problem = make_post(title="Open problem on the home page")
    make_post(publish=False, title="Draft problem")
    page = client_for(None).get("/").content.decode()
    assert open_problem.title in page
    assert "Draft problem" not in page


def test_an_organisation_that_has_answered_is_not_offered_again(cast, proposal, client_for):
    client = client_for(cast.founder)
    page = client.get(f"/boards/{proposal.post_id}/").content.decode()
    assert "Send a proposal" not in page
    assert client.get(f"/boards/{proposal.post_id}/propose/").status_code == 302


def test_the_department_sees_its_overdue_proposals_on_the_boards(cast, proposal, client_for):
    from boards.models import Proposal

    Proposal.objects.filter(pk=proposal.pk).update(
        response_due_on=timezone.localdate() - timedelta(days=1)
    )
    page = client_for(cast.official).get("/boards/").content.decode()
    assert "Waiting past the response window" in page
    assert f"#proposal-{proposal.pk}" in page
    for user in (cast.founder, cast.outsider, None):
        assert (
            "Waiting past the response window"
            not in client_for(user).get("/boards/").content.decode()
        )
