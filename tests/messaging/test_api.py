import io

import pytest
from PIL import Image

from messaging import services
from messaging.models import Attachment, Message
from tests.factories import UserFactory

from .conftest import send

pytestmark = pytest.mark.django_db

API = "/api/v1/conversations/"


def test_anonymous_gets_403_everywhere(api_client_for, direct):
    client = api_client_for(None)
    for url in [API, f"{API}{direct.pk}/", f"{API}{direct.pk}/messages/", f"{API}unread/"]:
        assert client.get(url).status_code == 403
    assert client.post(f"{API}{direct.pk}/read/").status_code == 403


def test_outsider_gets_404_for_all_of_them(api_client_for, outsider, alice, direct):
    message = send(alice, direct)
    client = api_client_for(outsider)
    assert client.get(f"{API}{direct.pk}/").status_code == 404
    assert client.get(f"{API}{direct.pk}/messages/").status_code == 404
    response = client.post(
        f"{API}{direct.pk}/messages/", {"body": "x", "client_id": "c"}, format="json"
    )
    assert response.status_code == 404
    assert client.post(f"{API}{direct.pk}/read/").status_code == 404
    assert (
        client.patch(
            f"{API}{direct.pk}/messages/{message.pk}/", {"body": "y"}, format="json"
        ).status_code
        == 404
    )
    assert client.get(API).json()["count"] == 0
    assert not Message.objects.filter(sender=outsider).exists()


def test_create_with_user_returns_the_existing_one(api_client_for, alice, bob):
    client = api_client_for(alice)
    first = client.post(API, {"user": bob.pk}, format="json")
    assert first.status_code == 201
    again = client.post(API, {"user": bob.pk}, format="json")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert first.json()["title"] == bob.name
    answer = api_client_for(bob).post(API, {"user": alice.pk}, format="json")
    assert answer.json()["id"] == first.json()["id"]


def test_create_with_organization_and_validation(api_client_for, alice, university):
    client = api_client_for(alice)
    response = client.post(
        API, {"organization": university.slug, "purpose": "internship"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["purpose"] == "internship"
    assert response.json()["with"]["slug"] == university.slug
    assert client.post(API, {}, format="json").status_code == 400
    assert client.post(API, {"organization": "nope"}, format="json").status_code == 400
    assert client.post(API, {"user": alice.pk}, format="json").status_code == 400


def test_list_has_unread_count_and_last_message(
    api_client_for, alice, bob, direct, django_assert_max_num_queries
):
    for n in range(3):
        send(alice, direct, f"m{n}")
    others = [
        services.conversation_get_or_create(user=bob, to_user=UserFactory.create())[0]
        for _ in range(4)
    ]
    for conversation in others:
        send(bob, conversation, "hello")
    client = api_client_for(bob)
    with django_assert_max_num_queries(8):
        body = client.get(API).json()
    assert body["count"] == 5
    top = next(c for c in body["results"] if c["id"] == direct.pk)
    assert top["unread_count"] == 3
    assert top["last_message"]["body"] == "m2"
    assert client.get(f"{API}unread/").json() == {"total": 3}


def test_member_of_receiving_organization_reads_and_answers(
    api_client_for, alice, liaison, org_conversation
):
    send(alice, org_conversation, "Can I visit the lab?")
    client = api_client_for(liaison)
    listing = client.get(API).json()
    assert [c["id"] for c in listing["results"]] == [org_conversation.pk]
    assert listing["results"][0]["inbox"]["slug"] == "demo-university"
    assert listing["results"][0]["purpose"] == "lab_access"
    response = client.post(
        f"{API}{org_conversation.pk}/messages/",
        {"body": "Yes, Monday.", "client_id": "r1"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["organization"]["slug"] == "demo-university"


def test_send_is_idempotent_by_client_id(api_client_for, alice, direct):
    client = api_client_for(alice)
    url = f"{API}{direct.pk}/messages/"
    first = client.post(url, {"body": "once", "client_id": "same"}, format="json")
    second = client.post(url, {"body": "once", "client_id": "same"}, format="json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json()
    assert Message.objects.count() == 1


def test_send_errors_are_400_with_codes(api_client_for, alice, direct):
    client = api_client_for(alice)
    url = f"{API}{direct.pk}/messages/"
    response = client.post(url, {"body": "x" * 5001, "client_id": "c"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "body_too_long"
    assert client.post(url, {"body": "x"}, format="json").status_code == 400


def test_list_after_before_limit(api_client_for, alice, bob, direct):
    ids = [send(alice, direct, f"m{n}").pk for n in range(5)]
    client = api_client_for(bob)
    url = f"{API}{direct.pk}/messages/"
    assert [m["id"] for m in client.get(url).json()["results"]] == ids
    page = client.get(url, {"after": ids[1], "limit": 2}).json()
    assert [m["id"] for m in page["results"]] == ids[2:4]
    assert page["has_more"] is True
    page = client.get(url, {"before": ids[3], "limit": 2}).json()
    assert [m["id"] for m in page["results"]] == ids[1:3]
    assert client.get(url, {"limit": 0}).status_code == 400


def test_read_edit_delete_report_mute(api_client_for, alice, bob, direct):
    message = send(alice, direct, "hello")
    bob_client, alice_client = api_client_for(bob), api_client_for(alice)
    assert bob_client.post(f"{API}{direct.pk}/read/", {}, format="json").json() == {
        "last_read": message.pk
    }
    url = f"{API}{direct.pk}/messages/{message.pk}/"
    assert bob_client.patch(url, {"body": "hijack"}, format="json").status_code == 400
    edited = alice_client.patch(url, {"body": "hello!"}, format="json").json()
    assert edited["body"] == "hello!"
    assert edited["edited_at"]
    report = bob_client.post(url + "report/", {"reason": "spam"}, format="json")
    assert report.status_code == 201
    deleted = alice_client.delete(url).json()
    assert deleted["deleted"] is True
    assert deleted["body"] == ""
    muted = bob_client.post(f"{API}{direct.pk}/mute/", {"muted": True}, format="json")
    assert muted.json() == {"muted": True}


def _png() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = "map.png"
    return buffer


def test_attachments_are_checked_by_content_and_private(
    api_client_for, client_for, alice, bob, outsider, direct
):
    client = api_client_for(alice)
    url = f"{API}{direct.pk}/messages/"
    response = client.post(
        url, {"body": "see map", "client_id": "f1", "attachments": [_png()]}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    attachment = response.json()["attachments"][0]
    assert attachment["kind"] == "image"
    fake = io.BytesIO(b"MZ\x90\x00 definitely not a pdf")
    fake.name = "invoice.pdf"
    response = client.post(url, {"client_id": "f2", "attachments": [fake]}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "bad_type"
    pdf = io.BytesIO(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    pdf.name = "plan.pdf"
    response = client.post(url, {"client_id": "f3", "attachments": [pdf]}, format="multipart")
    assert response.status_code == 201
    assert client_for(bob).get(attachment["url"]).status_code == 200
    assert client_for(outsider).get(attachment["url"]).status_code == 404
    assert client_for(None).get(attachment["url"]).status_code == 302
    assert Attachment.objects.count() == 2


def test_blocks_api(api_client_for, alice, bob):
    client = api_client_for(alice)
    assert client.post("/api/v1/blocks/", {"user": bob.pk}, format="json").status_code == 201
    assert client.get("/api/v1/blocks/").json() == [{"id": bob.pk, "name": bob.name}]
    assert client.delete(f"/api/v1/blocks/{bob.pk}/").status_code == 204
    assert client.get("/api/v1/blocks/").json() == []


def test_assign_api(api_client_for, alice, liaison, university, org_conversation):
    response = api_client_for(liaison).post(
        f"{API}{org_conversation.pk}/assign/",
        {"organization": university.slug, "user": liaison.pk},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["inbox"]["assigned_to"]["id"] == liaison.pk
    response = api_client_for(alice).post(
        f"{API}{org_conversation.pk}/assign/",
        {"organization": university.slug, "user": alice.pk},
        format="json",
    )
    assert response.status_code == 404


def test_schema_documents_the_messaging_api(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/conversations/{id}/messages/" in response.content


def test_assign_api_refuses_someone_who_is_not_on_the_team(
    api_client_for, alice, liaison, university, org_conversation
):
    for user_id in (alice.pk, 999999):
        response = api_client_for(liaison).post(
            f"{API}{org_conversation.pk}/assign/",
            {"organization": university.slug, "user": user_id},
            format="json",
        )
        assert response.status_code == 400
    assert org_conversation.parties.get(organization=university).assigned_to is None
