from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from messaging import services, tasks
from messaging.models import Message, MissedMessagesEmail

from .conftest import send

pytestmark = pytest.mark.django_db


def _age(*messages):
    Message.objects.filter(pk__in=[m.pk for m in messages]).update(
        created_at=timezone.now() - timedelta(minutes=11)
    )


def test_one_email_per_recipient_in_their_language_and_never_twice(
    alice, bob, direct, university, liaison, org_conversation, django_capture_on_commit_callbacks
):
    bob.language = "ru"
    bob.save()
    first = send(alice, direct, "Are you coming to the demo day?")
    second = send(alice, direct, "It starts at 10.")
    fresh = send(alice, direct, "Too new to email")
    _age(first, second)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_missed_message_emails() == 1
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [bob.email]
    assert "Are you coming to the demo day?" in email.body
    assert fresh.body not in email.body
    assert f"/messages/{direct.pk}/" in email.body
    assert "[UCS]" in email.subject
    # A retried task, or the beat a minute later, sends nothing again.
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_missed_messages_email(user_id=bob.pk) is False
        tasks.send_missed_message_emails()
    assert len(mail.outbox) == 1
    assert MissedMessagesEmail.objects.count() == 1


def test_read_muted_and_opted_out_people_get_no_email(
    alice, bob, direct, django_capture_on_commit_callbacks
):
    message = send(alice, direct, "hello")
    _age(message)
    services.messaging_settings_update(user=bob, email="off")
    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_missed_message_emails()
    assert mail.outbox == []
    services.messaging_settings_update(user=bob, email="batched")
    services.conversation_set_muted(user=bob, conversation_id=direct.pk, muted=True)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_missed_messages_email(user_id=bob.pk)
    assert mail.outbox == []
    services.conversation_set_muted(user=bob, conversation_id=direct.pk, muted=False)
    services.conversation_mark_read(user=bob, conversation_id=direct.pk)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_missed_messages_email(user_id=bob.pk)
    assert mail.outbox == []


def test_members_of_a_receiving_organization_are_emailed_and_the_sender_is_not(
    alice, university, liaison, org_conversation, django_assert_max_num_queries
):
    from messaging import selectors
    from tests.factories import MembershipFactory

    colleague = MembershipFactory.create(organization=university).user
    _age(send(alice, org_conversation, "Lab visit next week?"))
    with django_assert_max_num_queries(5):
        candidates = selectors.users_with_missed_messages()
    assert candidates == sorted([liaison.pk, colleague.pk])
    services.conversation_set_muted(user=colleague, conversation_id=org_conversation.pk, muted=True)
    assert selectors.users_with_missed_messages() == [liaison.pk]
