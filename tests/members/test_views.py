import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members import services
from members.models import Invitation, JoinRequest, Membership, Organization, Role
from tests.factories import MembershipFactory, OrganizationFactory, TagFactory, UserFactory

from .conftest import image_bytes, make_bin

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", "member", "admin", "owner", "moderator"]


def expect(matrix: dict[str, int]):
    return pytest.mark.parametrize(("who", "status"), list(matrix.items()))


def login(client_for, team, who):
    return client_for(team.who(who))


class TestPublicPages:
    @pytest.mark.parametrize("who", ROLES)
    def test_directory_and_profile_are_public(self, client_for, team, who):
        client = login(client_for, team, who)
        assert client.get(reverse("members:directory")).status_code == 200
        response = client.get(team.organization.get_absolute_url())
        assert response.status_code == 200
        assert team.organization.name in response.content.decode()

    def test_unknown_profile_is_404(self, client):
        assert client.get("/members/no-such-organisation/").status_code == 404

    def test_profile_shows_only_public_team_members_to_outsiders(self, client_for, team):
        Membership.objects.filter(user=team.member).update(is_public=False)
        html = client_for(team.outsider).get(team.organization.get_absolute_url()).content.decode()
        assert team.owner.name in html
        assert team.member.name not in html
        html = client_for(team.admin).get(team.organization.get_absolute_url()).content.decode()
        assert team.member.name in html

    def test_profile_renders_markdown_safely(self, client, team):
        team.organization.description = "**Bold** <script>alert('x')</script>"
        team.organization.save()
        html = client.get(team.organization.get_absolute_url()).content.decode()
        assert "<strong>Bold</strong>" in html
        assert "alert('x')" not in html

    def test_profile_leaves_room_for_messaging_and_boards(self, client, team):
        # Neither app exists in this branch: the page must render without them.
        html = client.get(team.organization.get_absolute_url()).content.decode()
        assert 'class="section board-posts"' in html

    def test_profile_query_count_does_not_grow_with_the_team(
        self, client_for, team, django_assert_max_num_queries
    ):
        client = client_for(team.outsider)
        for _ in range(10):
            MembershipFactory.create(organization=team.organization)
        with django_assert_max_num_queries(12):
            assert client.get(team.organization.get_absolute_url()).status_code == 200


class TestDirectory:
    def test_filters_and_search_are_in_the_url(self, client, team):
        OrganizationFactory.create(name="Other", kind="ngo")
        response = client.get("/members/", {"kind": "startup", "search": "steppe"})
        html = response.content.decode()
        assert "Steppe Robotics" in html
        assert "Other" not in html
        assert 'value="steppe"' in html

    def test_bad_filter_values_are_ignored_not_fatal(self, client, team):
        response = client.get("/members/", {"kind": "spaceship", "ordering": "bogus", "page": "x"})
        assert response.status_code == 200
        assert "Steppe Robotics" in response.content.decode()

    def test_htmx_gets_only_the_results(self, client, team):
        response = client.get(
            "/members/",
            {"search": "robot"},
            HTTP_HX_REQUEST="true",
            HTTP_HX_TARGET="directory-body",
        )
        html = response.content.decode()
        assert 'class="facets"' in html
        assert "<html" not in html
        assert 'id="directory-form"' not in html
        assert "Steppe Robotics" in html
        assert "HX-Request" in response["Vary"]

    def test_full_page_without_htmx(self, client, team):
        html = client.get("/members/", {"search": "robot"}).content.decode()
        assert "<html" in html
        assert 'id="directory-form"' in html

    def test_facet_counts_are_shown(self, client, team):
        OrganizationFactory.create_batch(2, kind="ngo")
        html = client.get("/members/").content.decode()
        assert 'name="kind" value="ngo"' in html

    def test_query_count_does_not_grow_with_rows(
        self, client_for, team, django_assert_max_num_queries
    ):
        tags = [TagFactory.create() for _ in range(3)]
        for organization in OrganizationFactory.create_batch(30):
            organization.tags.set(tags)
        client = client_for(team.member)
        # session, user, switcher, search plan, count, page, tags, 4 facet counts (+ slack)
        with django_assert_max_num_queries(13):
            assert client.get("/members/", {"search": "organisation"}).status_code == 200
        with django_assert_max_num_queries(13):
            assert client.get("/members/").status_code == 200

    def test_csv_export_of_the_current_result(self, client, team):
        OrganizationFactory.create(name="=HYPERLINK(evil)", kind="ngo")
        response = client.get("/members/export.csv", {"kind": "ngo"})
        assert response["Content-Type"].startswith("text/csv")
        body = response.content.decode("utf-8-sig")
        assert "'=HYPERLINK(evil)" in body  # no formula injection
        assert "Steppe Robotics" not in body

    def test_tag_suggestions(self, client, team):
        html = client.get("/members/tags/", {"tags_input": "drones, rob"}).content.decode()
        assert 'data-tag="robotics"' in html


class TestCreateAndEdit:
    def test_anonymous_is_sent_to_login(self, client):
        response = client.get("/members/new/")
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]

    def test_create(self, client_for, user):
        response = client_for(user).post(
            "/members/new/",
            {
                "name": "Tau Labs",
                "kind": "startup",
                "tags_input": "IoT, Drones",
                "website": "tau.kz",
            },
        )
        organization = Organization.objects.get(name="Tau Labs")
        assert response.status_code == 302
        assert organization.website == "https://tau.kz"
        assert organization.memberships.get().user == user
        assert organization.tags_text == "drones iot"

    def test_create_with_errors_keeps_the_input(self, client_for, user):
        response = client_for(user).post(
            "/members/new/", {"name": "Tau Labs", "kind": "startup", "bin": "123456789012"}
        )
        assert response.status_code == 200
        assert "check digit" in response.content.decode()
        assert 'value="Tau Labs"' in response.content.decode()
        assert not Organization.objects.exists()

    @expect(
        {
            "anonymous": 302,
            "outsider": 403,
            "member": 403,
            "admin": 200,
            "owner": 200,
            "moderator": 403,
        }
    )
    def test_edit_page(self, client_for, team, who, status):
        response = login(client_for, team, who).get(f"/members/{team.organization.slug}/edit/")
        assert response.status_code == status

    @expect(
        {
            "anonymous": 302,
            "outsider": 403,
            "member": 403,
            "admin": 302,
            "owner": 302,
            "moderator": 403,
        }
    )
    def test_edit_post(self, client_for, team, who, status):
        data = {"name": "Renamed", "kind": "startup", "tags_input": "x"}
        response = login(client_for, team, who).post(
            f"/members/{team.organization.slug}/edit/", data
        )
        assert response.status_code == status
        team.organization.refresh_from_db()
        assert (team.organization.name == "Renamed") == (status == 302 and who != "anonymous")


class TestLogoUpload:
    def url(self, team):
        return f"/members/{team.organization.slug}/logo/"

    def test_owner_uploads_a_logo(self, client_for, team):
        upload = SimpleUploadedFile("logo.png", image_bytes(), content_type="image/png")
        response = client_for(team.owner).post(self.url(team), {"logo": upload})
        assert response.status_code == 302
        team.organization.refresh_from_db()
        assert team.organization.logo.name.endswith(".webp")
        assert team.organization.logo_thumb.storage.exists(team.organization.logo_thumb.name)

    def test_bad_file_gets_a_clear_error_and_stores_nothing(self, client_for, team, settings):
        upload = SimpleUploadedFile(
            "logo.png", b"<html>not an image</html>", content_type="image/png"
        )
        response = client_for(team.owner).post(self.url(team), {"logo": upload})
        assert response.status_code == 400
        assert "not a JPEG, PNG or WebP" in response.content.decode()
        team.organization.refresh_from_db()
        assert not team.organization.logo
        logos = settings.MEDIA_ROOT / "logos"
        assert not logos.exists() or not any(logos.iterdir())

    def test_replacing_removes_the_old_files(
        self, client_for, team, django_capture_on_commit_callbacks
    ):
        client = client_for(team.owner)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(self.url(team), {"logo": SimpleUploadedFile("a.png", image_bytes())})
        team.organization.refresh_from_db()
        old = team.organization.logo.name
        with django_capture_on_commit_callbacks(execute=True):
            client.post(self.url(team), {"logo": SimpleUploadedFile("b.jpg", image_bytes("JPEG"))})
        team.organization.refresh_from_db()
        assert team.organization.logo.name != old
        assert not team.organization.logo.storage.exists(old)

    @expect({"anonymous": 302, "outsider": 403, "member": 403, "moderator": 403})
    def test_others_cannot_upload(self, client_for, team, who, status):
        upload = SimpleUploadedFile("logo.png", image_bytes(), content_type="image/png")
        response = login(client_for, team, who).post(self.url(team), {"logo": upload})
        assert response.status_code == status
        team.organization.refresh_from_db()
        assert not team.organization.logo


class TestVerifyPage:
    @expect({"anonymous": 302, "outsider": 403, "member": 403, "admin": 403, "owner": 403})
    def test_only_moderators(self, client_for, team, who, status):
        team.organization.bin = make_bin()
        team.organization.save()
        response = login(client_for, team, who).post(f"/members/{team.organization.slug}/verify/")
        assert response.status_code == status
        team.organization.refresh_from_db()
        assert not team.organization.is_verified

    def test_moderator_verifies_and_the_badge_shows(self, client_for, team):
        team.organization.bin = make_bin()
        team.organization.save()
        client = client_for(team.moderator)
        assert client.post(f"/members/{team.organization.slug}/verify/").status_code == 302
        team.organization.refresh_from_db()
        assert team.organization.verified_by == team.moderator
        for url in ("/members/", team.organization.get_absolute_url()):
            assert "badge-verified" in client.get(url).content.decode()

    def test_missing_bin_is_explained(self, client_for, team):
        response = client_for(team.moderator).post(
            f"/members/{team.organization.slug}/verify/", follow=True
        )
        assert "BIN" in response.content.decode()


class TestTeamPages:
    @expect(
        {
            "anonymous": 302,
            "outsider": 403,
            "member": 200,
            "admin": 200,
            "owner": 200,
            "moderator": 200,
        }
    )
    def test_team_page(self, client_for, team, who, status):
        response = login(client_for, team, who).get(f"/members/{team.organization.slug}/team/")
        assert response.status_code == status

    def test_members_see_no_management_controls(self, client_for, team):
        html = (
            client_for(team.member).get(f"/members/{team.organization.slug}/team/").content.decode()
        )
        assert "Invite a colleague" not in html
        assert "/role/" not in html

    @expect(
        {
            "anonymous": 302,
            "outsider": 403,
            "member": 403,
            "admin": 302,
            "owner": 302,
            "moderator": 403,
        }
    )
    def test_invite(self, client_for, team, who, status, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            response = login(client_for, team, who).post(
                f"/members/{team.organization.slug}/team/invite/",
                {"email": "new@example.com", "role": "member"},
            )
        assert response.status_code == status
        assert Invitation.objects.exists() == (status == 302 and who != "anonymous")
        assert len(mail.outbox) == int(Invitation.objects.exists())

    @expect({"anonymous": 302, "outsider": 403, "member": 403, "moderator": 403})
    def test_others_cannot_change_roles(self, client_for, team, who, status):
        url = f"/members/{team.organization.slug}/team/{team.admin.pk}/role/"
        response = login(client_for, team, who).post(url, {"role": "member"})
        assert response.status_code == status
        assert Membership.objects.get(user=team.admin).role == Role.ADMIN

    def test_owner_changes_a_role(self, client_for, team):
        url = f"/members/{team.organization.slug}/team/{team.member.pk}/role/"
        assert client_for(team.owner).post(url, {"role": "admin"}).status_code == 302
        assert Membership.objects.get(user=team.member).role == Role.ADMIN

    def test_last_owner_demotion_is_explained(self, client_for, team):
        url = f"/members/{team.organization.slug}/team/{team.owner.pk}/role/"
        response = client_for(team.owner).post(url, {"role": "member"}, follow=True)
        assert "last owner" in response.content.decode()
        assert Membership.objects.get(user=team.owner).role == Role.OWNER

    def test_remove_and_transfer_and_leave(self, client_for, team):
        slug = team.organization.slug
        client_for(team.admin).post(f"/members/{slug}/team/{team.member.pk}/remove/")
        assert not Membership.objects.filter(user=team.member).exists()
        client_for(team.owner).post(f"/members/{slug}/team/{team.admin.pk}/transfer/")
        assert Membership.objects.get(user=team.admin).role == Role.OWNER
        client_for(team.owner).post(f"/members/{slug}/team/leave/")
        assert not Membership.objects.filter(user=team.owner).exists()

    def test_last_owner_cannot_leave(self, client_for, team):
        response = client_for(team.owner).post(
            f"/members/{team.organization.slug}/team/leave/", follow=True
        )
        assert "last owner" in response.content.decode()
        assert Membership.objects.filter(user=team.owner).exists()

    def test_own_settings(self, client_for, team):
        client_for(team.member).post(
            f"/members/{team.organization.slug}/team/settings/", {"title": "CTO"}
        )
        membership = Membership.objects.get(user=team.member)
        assert membership.title == "CTO"
        assert membership.is_public is False


class TestJoinRequestPages:
    def test_outsider_asks_and_admin_approves(self, client_for, team):
        slug = team.organization.slug
        client_for(team.outsider).post(f"/members/{slug}/join/", {"message": "Hi"})
        join_request = JoinRequest.objects.get()
        html = client_for(team.admin).get(f"/members/{slug}/team/").content.decode()
        assert "Requests to join" in html
        response = client_for(team.admin).post(
            f"/members/join-requests/{join_request.pk}/", {"decision": "approve"}
        )
        assert response.status_code == 302
        assert Membership.objects.filter(user=team.outsider).exists()

    @expect({"anonymous": 302, "outsider": 403, "member": 403, "moderator": 403})
    def test_only_managers_decide(self, client_for, team, who, status):
        asking = UserFactory.create()
        join_request = services.join_request_create(user=asking, organization=team.organization)
        response = login(client_for, team, who).post(
            f"/members/join-requests/{join_request.pk}/", {"decision": "approve"}
        )
        assert response.status_code == status
        assert not Membership.objects.filter(user=asking).exists()


class TestInvitationLink:
    def invite(self, team, email="invitee@example.com"):
        from members.selectors import invitation_token

        invitation = services.invitation_create(
            actor=team.owner, organization=team.organization, email=email
        )
        return reverse("members:invitation", kwargs={"token": invitation_token(invitation)})

    def test_signed_in_invitee_accepts(self, client_for, team):
        invitee = UserFactory.create(email="invitee@example.com")
        url = self.invite(team)
        client = client_for(invitee)
        assert "Accept and join" in client.get(url).content.decode()
        assert client.post(url, {"decision": "accept"}).status_code == 302
        assert Membership.objects.filter(user=invitee, organization=team.organization).exists()

    def test_wrong_account_is_told_which_address(self, client_for, team):
        url = self.invite(team)
        html = client_for(team.outsider).get(url).content.decode()
        assert "invitee@example.com" in html
        assert "Accept and join" not in html
        client_for(team.outsider).post(url, {"decision": "accept"})
        assert not Membership.objects.filter(user=team.outsider).exists()

    def test_tampered_link_is_404(self, client, team):
        url = self.invite(team)
        assert client.get(url[:-3] + "xx/").status_code == 404

    def test_new_person_signs_up_from_the_link_without_a_second_email(self, client, team):
        url = self.invite(team, "brand.new@example.com")
        page = client.get(url).content.decode()
        assert "Create an account" in page
        response = client.post(
            f"{reverse('account_signup')}?next={url}",
            {
                "name": "Brand New",
                "email": "brand.new@example.com",
                "password1": "a-Long-pass-phrase-2026",
                "password2": "a-Long-pass-phrase-2026",
            },
        )
        assert response.status_code == 302
        assert response["Location"] == url  # signed in at once: the link proved the address
        response = client.post(url, {"decision": "accept"})
        assert Membership.objects.filter(
            user__email="brand.new@example.com", organization=team.organization
        ).exists()


class TestSwitcherAndShortlists:
    def test_switch_active_organisation(self, client_for, team):
        other = MembershipFactory.create(
            user=team.member, organization__name="Zeta Org"
        ).organization
        client = client_for(team.member)
        html = client.get("/members/").content.decode()
        assert "Acting for" in html
        assert "Zeta Org" in html
        response = client.post(
            "/members/switch/", {"organization": other.slug, "next": "/members/"}
        )
        assert response["Location"] == "/members/"
        assert client.session["members.active_organization"] == other.pk

    def test_cannot_switch_to_a_foreign_organisation(self, client_for, team):
        response = client_for(team.outsider).post(
            "/members/switch/", {"organization": team.organization.slug}
        )
        assert response.status_code == 403

    def test_switch_refuses_an_external_next(self, client_for, team):
        response = client_for(team.member).post(
            "/members/switch/",
            {"organization": team.organization.slug, "next": "https://evil.example/"},
        )
        assert response["Location"] == reverse("dashboard")

    def test_shortlist_flow_and_privacy(self, client_for, team):
        target = OrganizationFactory.create(name="Target Org")
        client = client_for(team.member)
        client.post("/members/shortlists/", {"name": "Pipeline", "team": team.organization.pk})
        shortlist = team.member.shortlists.get()
        client.post(
            f"/members/{target.slug}/shortlist/", {"shortlist": shortlist.pk, "note": "call them"}
        )
        html = client_for(team.admin).get(shortlist.get_absolute_url()).content.decode()
        assert "Target Org" in html
        assert "call them" in html
        assert client_for(team.outsider).get(shortlist.get_absolute_url()).status_code == 404
        assert client_for(None).get(shortlist.get_absolute_url()).status_code == 302
        csv_body = client.get(f"/members/shortlists/{shortlist.pk}/export.csv").content.decode(
            "utf-8-sig"
        )
        assert "Target Org" in csv_body
        assert "call them" in csv_body
        assert (
            client_for(team.outsider)
            .get(f"/members/shortlists/{shortlist.pk}/export.csv")
            .status_code
            == 404
        )

    def test_outsider_cannot_add_to_someone_elses_shortlist(self, client_for, team):
        shortlist = services.shortlist_create(owner=team.member, name="Mine")
        target = OrganizationFactory.create()
        client_for(team.outsider).post(
            f"/members/{target.slug}/shortlist/", {"shortlist": shortlist.pk}
        )
        assert not shortlist.entries.exists()

    def test_shortlists_page_query_count(self, client_for, team, django_assert_max_num_queries):
        for i in range(8):
            services.shortlist_create(owner=team.member, name=f"List {i}", team=team.organization)
        client = client_for(team.member)
        with django_assert_max_num_queries(8):
            assert client.get("/members/shortlists/").status_code == 200


class TestTranslations:
    @pytest.mark.parametrize(
        ("language", "heading", "kind"),
        [("ru", "Каталог участников", "Стартап"), ("kk", "Қатысушылар каталогы", "Стартап")],
    )
    def test_directory_speaks_russian_and_kazakh(self, client, team, language, heading, kind):
        client.cookies["django_language"] = language
        html = client.get("/members/").content.decode()
        assert heading in html
        assert kind in html


class TestRemainingPermissions:
    @expect({"anonymous": 302, "outsider": 200, "member": 200, "moderator": 200})
    def test_join_page(self, client_for, team, who, status):
        response = login(client_for, team, who).get(f"/members/{team.organization.slug}/join/")
        assert response.status_code == status

    @expect(
        {
            "anonymous": 302,
            "outsider": 403,
            "member": 403,
            "admin": 302,
            "owner": 302,
            "moderator": 403,
        }
    )
    def test_revoke_invitation(self, client_for, team, who, status):
        invitation = services.invitation_create(
            actor=team.owner, organization=team.organization, email="x@example.com"
        )
        url = f"/members/{team.organization.slug}/team/invitations/{invitation.pk}/revoke/"
        assert login(client_for, team, who).post(url).status_code == status
        invitation.refresh_from_db()
        assert (invitation.status == "revoked") == (status == 302 and who != "anonymous")

    @expect(
        {
            "anonymous": 302,
            "outsider": 404,
            "member": 200,
            "admin": 200,
            "owner": 200,
            "moderator": 404,
        }
    )
    def test_shared_shortlist_pages(self, client_for, team, who, status):
        shortlist = services.shortlist_create(owner=team.member, name="L", team=team.organization)
        target = OrganizationFactory.create()
        services.shortlist_add(actor=team.member, shortlist=shortlist, organization=target)
        client = login(client_for, team, who)
        assert client.get(f"/members/shortlists/{shortlist.pk}/").status_code == status
        assert client.get(f"/members/shortlists/{shortlist.pk}/export.csv").status_code == status
        note = client.post(
            f"/members/shortlists/{shortlist.pk}/entries/{target.slug}/", {"note": "n"}
        )
        assert note.status_code == (302 if status == 200 else status)

    @expect({"anonymous": 302, "outsider": 404, "admin": 403, "moderator": 404})
    def test_only_the_author_deletes_a_shortlist(self, client_for, team, who, status):
        shortlist = services.shortlist_create(owner=team.member, name="L", team=team.organization)
        response = login(client_for, team, who).post(f"/members/shortlists/{shortlist.pk}/delete/")
        assert response.status_code == status
        assert shortlist.__class__.objects.filter(pk=shortlist.pk).exists()

    def test_membership_settings_need_membership(self, client_for, team):
        response = client_for(team.outsider).post(
            f"/members/{team.organization.slug}/team/settings/", {"title": "x"}
        )
        assert response.status_code == 403
