"""Attachments are checked by content and only ever served as downloads, to those allowed."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from boards import services

from .conftest import pdf_upload, png_upload

pytestmark = pytest.mark.django_db


def test_only_the_owning_organisation_attaches(cast, problem, proposal):
    with pytest.raises(PermissionDenied):
        services.attachment_add(user=cast.founder, post=problem, upload=pdf_upload())
    with pytest.raises(PermissionDenied):
        services.attachment_add(user=cast.official, proposal=proposal, upload=pdf_upload())
    assert services.attachment_add(user=cast.founder, proposal=proposal, upload=png_upload())


def test_a_bad_upload_fails_the_whole_post_and_loses_nothing_on_the_page(cast, client_for):
    from .test_pages import _form

    form = _form()
    form["attachments"] = [SimpleUploadedFile("evil.pdf", b"<script>x</script>")]
    response = client_for(cast.official).post("/boards/new/", form)
    assert response.status_code == 200
    assert "is not a PDF" in response.content.decode()
    from boards.models import Post

    assert not Post.objects.exists()


@pytest.mark.parametrize(
    ("role", "post_file", "proposal_file"),
    [
        ("anonymous", 200, 404),
        ("outsider", 200, 404),
        ("moderator", 200, 404),
        ("proposer", 200, 200),
        ("manager", 200, 200),
    ],
)
def test_downloads_are_attachments_for_those_allowed(
    role, post_file, proposal_file, cast, problem, proposal, client_for
):
    from .test_pages import who

    on_post = services.attachment_add(user=cast.official, post=problem, upload=pdf_upload())
    on_proposal = services.attachment_add(user=cast.founder, proposal=proposal, upload=png_upload())
    client = client_for(who(cast, role))
    response = client.get(f"/boards/attachments/{on_post.pk}/")
    assert response.status_code == post_file
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    response = client.get(f"/boards/attachments/{on_proposal.pk}/")
    assert response.status_code == proposal_file
    if proposal_file == 200:
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["Content-Type"] == "image/png"


def test_draft_attachments_are_private(cast, make_post, client_for):
    draft = make_post(publish=False)
    attachment = services.attachment_add(user=cast.official, post=draft, upload=pdf_upload())
    assert client_for(None).get(f"/boards/attachments/{attachment.pk}/").status_code == 404
    assert client_for(cast.official).get(f"/boards/attachments/{attachment.pk}/").status_code == 200


def test_files_are_stored_outside_the_public_media_root(settings, cast, problem):
    attachment = services.attachment_add(user=cast.official, post=problem, upload=pdf_upload())
    path = attachment.file.path
    assert str(path).startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert not str(path).startswith(str(settings.MEDIA_ROOT))
    assert "brief" not in path  # stored under a random name
