"""Services' refusals and selectors' "not yours" reach API clients in the one error shape."""

import pytest

from messaging import services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/conversations/"


def test_a_service_refusal_is_a_400_with_its_code_and_a_hidden_conversation_a_404(
    api_client_for,
):
    alice, bob, outsider = UserFactory.create_batch(3)
    conversation, _ = services.conversation_get_or_create(user=alice, to_user=bob)
    url = f"{API}{conversation.pk}/messages/"
    refused = api_client_for(alice).post(
        url, {"body": "x" * 5001, "client_id": "too-long"}, format="multipart"
    )
    assert refused.status_code == 400
    error = refused.json()
    assert error["type"] == "validation_error"
    assert error["errors"][0]["code"] == "body_too_long"
    assert "5000" in error["errors"][0]["detail"]
    hidden = api_client_for(outsider).post(
        url, {"body": "hi", "client_id": "x"}, format="multipart"
    )
    assert hidden.status_code == 404
    assert hidden.json()["errors"][0]["code"] == "not_found"
