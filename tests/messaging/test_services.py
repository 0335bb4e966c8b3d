import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from members.models import Membership
from messaging import selectors, services
from messaging.models import Conversation, Message, Party, Purpose
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

from .conftest import send

pytestmark = pytest.mark.django_db


def test_direct_conversation_is_found_again_from_either_side(alice, bob, direct):
    again, created = services.conversation_get_or_create(user=bob, to_user=alice)
    assert not created
    assert again.pk == direct.pk
    assert Party.objects.filter(conversation=direct).count() == 2


def test_cannot_write_to_yourself(alice):
    with pytest.raises(ValidationError) as error:
        services.conversation_get_or_create(user=alice, to_user=alice)
    assert error.value.code == "self"


def test_organization_conversation_carries_a_purpose(org_conversation):
    assert org_conversation.purpose == Purpose.LAB_ACCESS


def test_purpose_defaults_to_other_and_is_checked(alice, university):
    conversation, _ = services.conversation_get_or_create(user=alice, to_organization=university)
    assert conversation.purpose == Purpose.OTHER
    other = OrganizationFactory.create()
    with pytest.raises(ValidationError):
        services.conversation_get_or_create(user=alice, to_organization=other, purpose="bribe")


def test_writing_on_behalf_needs_a_current_membership(alice, bob, university):
    with pytest.raises(ValidationError) as error:
        services.conversation_get_or_create(user=alice, to_user=bob, as_organization=university)
    assert error.value.code == "not_a_member"


def test_member_cannot_open_a_conversation_with_their_own_organization(liaison, university):
    with pytest.raises(ValidationError) as error:
        services.conversation_get_or_create(user=liaison, to_organization=university)
    assert error.value.code == "own_organization"


def test_between_organizations_for_the_boards_app(liaison, university):
    startup = OrganizationFactory.create()
    founder = MembershipFactory.create(organization=startup).user
    conversation, created = services.conversation_get_or_create_between_organizations(
        sender=liaison, from_organization=university, to_organization=startup, purpose="city_pilot"
    )
    assert created
    message = send(liaison, conversation, "Your proposal is accepted.")
    assert message.sender_organization == university
    assert selectors.conversation_get_for_user(user=founder, conversation_id=conversation.pk)
    again, created = services.conversation_get_or_create_between_organizations(
        sender=founder, from_organization=startup, to_organization=university, purpose="other"
    )
    assert not created
    assert again.pk == conversation.pk


def test_members_see_the_inbox_history_and_leavers_lose_it(alice, university, org_conversation):
    send(alice, org_conversation, "Can we use the wind tunnel?")
    newcomer = UserFactory.create()
    with pytest.raises(Conversation.DoesNotExist):
        selectors.conversation_get_for_user(user=newcomer, conversation_id=org_conversation.pk)
    membership = Membership.objects.create(user=newcomer, organization=university)
    messages, _ = selectors.message_list_for_user(
        user=newcomer, conversation_id=org_conversation.pk
    )
    assert [m.body for m in messages] == ["Can we use the wind tunnel?"]
    membership.delete()
    with pytest.raises(Conversation.DoesNotExist):
        selectors.message_list_for_user(user=newcomer, conversation_id=org_conversation.pk)
    with pytest.raises(Conversation.DoesNotExist):
        send(newcomer, org_conversation)


def test_member_answers_on_behalf_of_the_organization(liaison, university, org_conversation):
    message = send(liaison, org_conversation, "Yes, come on Monday.")
    assert message.sender_organization == university


def test_outsider_cannot_send_or_read(outsider, direct):
    with pytest.raises(Conversation.DoesNotExist):
        send(outsider, direct)
    with pytest.raises(Conversation.DoesNotExist):
        selectors.message_list_for_user(user=outsider, conversation_id=direct.pk)
    assert not selectors.conversation_list_for_user(user=outsider).exists()


def test_same_client_id_gives_the_same_single_message(alice, direct):
    first, created = services.message_send(
        user=alice, conversation_id=direct.pk, body="Once", client_id="abc-1"
    )
    again, created_again = services.message_send(
        user=alice, conversation_id=direct.pk, body="Once", client_id="abc-1"
    )
    assert created
    assert not created_again
    assert first.pk == again.pk
    assert Message.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "client_id", "code"),
    [
        ("x" * 5001, "ok", "body_too_long"),
        ("   ", "ok", "empty"),
        ("hi", "", "client_id"),
        ("hi", "has space", "client_id"),
    ],
)
def test_bad_messages_are_refused_with_a_code(alice, direct, body, client_id, code):
    with pytest.raises(ValidationError) as error:
        services.message_send(user=alice, conversation_id=direct.pk, body=body, client_id=client_id)
    assert error.value.code == code
    assert not Message.objects.exists()


def test_body_of_5000_characters_is_accepted(alice, direct):
    assert len(send(alice, direct, "y" * 5000).body) == 5000


def test_markdown_is_rendered_and_sanitised(alice, direct):
    message = send(alice, direct, "**bold** <script>alert(1)</script> [x](javascript:alert(1))")
    assert "<strong>bold</strong>" in message.body_html
    assert "<script" not in message.body_html
    assert "javascript:" not in message.body_html


def test_unread_counts_and_read_marks(alice, bob, direct):
    first = send(alice, direct, "one")
    send(alice, direct, "two")
    assert selectors.unread_total_for_user(user=bob) == 2
    assert selectors.unread_total_for_user(user=alice) == 0
    services.conversation_mark_read(user=bob, conversation_id=direct.pk, message_id=first.pk)
    assert (
        selectors.conversation_get_for_user(user=bob, conversation_id=direct.pk).unread_count == 1
    )
    services.conversation_mark_read(user=bob, conversation_id=direct.pk)
    assert selectors.unread_total_for_user(user=bob) == 0
    # Never moves backwards.
    state = services.conversation_mark_read(
        user=bob, conversation_id=direct.pk, message_id=first.pk
    )
    assert state.last_read_id > first.pk
    assert selectors.read_marks_for_conversation(user=alice, conversation_id=direct.pk) == {
        bob.pk: state.last_read_id
    }


def test_muted_conversations_leave_the_total(alice, bob, direct):
    send(alice, direct)
    services.conversation_set_muted(user=bob, conversation_id=direct.pk, muted=True)
    assert selectors.unread_total_for_user(user=bob) == 0
    assert (
        selectors.conversation_get_for_user(user=bob, conversation_id=direct.pk).unread_count == 1
    )


def test_edit_within_15_minutes_then_not(alice, bob, direct):
    message = send(alice, direct, "tpyo")
    edited = services.message_edit(user=alice, message_id=message.pk, body="typo")
    assert edited.body == "typo"
    assert edited.edited_at is not None
    with pytest.raises(ValidationError) as error:
        services.message_edit(user=bob, message_id=message.pk, body="hijack")
    assert error.value.code == "not_yours"
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    with pytest.raises(ValidationError) as error:
        services.message_edit(user=alice, message_id=message.pk, body="late")
    assert error.value.code == "edit_window"


def test_delete_leaves_a_placeholder(alice, direct):
    message = send(alice, direct, "secret")
    services.message_delete(user=alice, message_id=message.pk)
    message.refresh_from_db()
    assert message.is_deleted
    assert message.body == ""
    with pytest.raises(ValidationError):
        services.message_edit(user=alice, message_id=message.pk, body="back")


def test_blocked_sender_is_not_told_and_the_blocker_sees_nothing(alice, bob, direct):
    services.block_create(blocker=bob, blocked=alice)
    message = send(alice, direct, "are you there?")
    assert message.withheld
    mine, _ = selectors.message_list_for_user(user=alice, conversation_id=direct.pk)
    theirs, _ = selectors.message_list_for_user(user=bob, conversation_id=direct.pk)
    assert [m.pk for m in mine] == [message.pk]
    assert theirs == []
    assert selectors.unread_total_for_user(user=bob) == 0
    # A new conversation started by the blocked person does not show up for the blocker.
    carol = UserFactory.create()
    services.block_create(blocker=carol, blocked=alice)
    conversation, _ = services.conversation_get_or_create(user=alice, to_user=carol)
    send(alice, conversation, "hello?")
    assert not selectors.conversation_list_for_user(user=carol).exists()


def test_report_is_kept_once(alice, bob, direct):
    message = send(alice, direct, "rude words")
    report = services.message_report(user=bob, message_id=message.pk, reason="rude")
    again = services.message_report(user=bob, message_id=message.pk, reason="again")
    assert report.pk == again.pk
    assert report.body_snapshot == "rude words"
    with pytest.raises(ValidationError):
        services.message_report(user=alice, message_id=message.pk)


def test_assign_to_a_colleague_only(alice, university, liaison, org_conversation):
    colleague = MembershipFactory.create(organization=university).user
    party = services.conversation_assign(
        user=liaison,
        conversation_id=org_conversation.pk,
        organization=university,
        assignee_id=colleague.pk,
    )
    assert party.assigned_to == colleague
    with pytest.raises(ValidationError):
        services.conversation_assign(
            user=liaison,
            conversation_id=org_conversation.pk,
            organization=university,
            assignee_id=alice.pk,
        )
    with pytest.raises(Conversation.DoesNotExist):
        services.conversation_assign(
            user=alice,
            conversation_id=org_conversation.pk,
            organization=university,
            assignee_id=alice.pk,
        )


def test_search_and_unread_first(alice, bob, direct, university, org_conversation):
    send(bob, direct, "hi")
    send(alice, org_conversation, "lab?")
    titles = [c.pk for c in selectors.conversation_list_for_user(user=alice, search="univ")]
    assert titles == [org_conversation.pk]
    ordered = [c.pk for c in selectors.conversation_list_for_user(user=alice, unread_first=True)]
    assert ordered[0] == direct.pk


def test_rate_limit_counts_frames_per_person(settings, alice):
    settings.MESSAGING_SOCKET_RATE = (3, 10)
    allowed = [services.socket_frame_allowed(user_id=alice.pk) for _ in range(5)]
    assert allowed == [True, True, True, False, False]


def test_client_id_is_per_sender(alice, bob, direct):
    shared = uuid.uuid4().hex
    first = send(alice, direct, "a", client_id=shared)
    second = send(bob, direct, "b", client_id=shared)
    assert first.pk != second.pk


def test_seen_marks_come_from_the_other_side_only(alice, university, liaison, org_conversation):
    colleague = MembershipFactory.create(organization=university).user
    question = send(alice, org_conversation, "Lab on Monday?")
    answer = send(liaison, org_conversation, "Yes.")
    services.conversation_mark_read(user=colleague, conversation_id=org_conversation.pk)
    services.conversation_mark_read(user=alice, conversation_id=org_conversation.pk)
    marks_for_alice = selectors.read_marks_for_conversation(
        user=alice, conversation_id=org_conversation.pk
    )
    assert marks_for_alice == {colleague.pk: answer.pk}
    marks_for_liaison = selectors.read_marks_for_conversation(
        user=liaison, conversation_id=org_conversation.pk
    )
    assert marks_for_liaison == {alice.pk: answer.pk}  # not the colleague's
    assert question.pk < answer.pk
