"""Emails: followers, proposers, departments, and the matcher's suggestions, each once."""

from datetime import timedelta

import pytest
from django.core import mail

from boards import services, tasks
from boards.models import PostMatch, PostStatus

pytestmark = pytest.mark.django_db


def test_followers_hear_about_status_changes_once(
    cast, problem, proposal, django_capture_on_commit_callbacks
):
    services.post_follow(user=cast.outsider, post=problem)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_transition(user=cast.official, post=problem, to_status=PostStatus.REVIEWING)
    recipients = sorted(m.to[0] for m in mail.outbox)
    # The proposer follows automatically; the official who made the change is not told.
    assert recipients == sorted([cast.outsider.email, cast.founder.email])
    assert "Reviewing" in mail.outbox[0].body
    event = problem.events.last()
    mail.outbox.clear()
    assert tasks.notify_followers(event_id=event.pk) == 0  # a second run sends nothing
    assert mail.outbox == []


def test_followers_get_the_email_in_their_language(
    cast, problem, django_capture_on_commit_callbacks
):
    cast.outsider.language = "ru"
    cast.outsider.save()
    services.post_follow(user=cast.outsider, post=problem)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_transition(user=cast.official, post=problem, to_status=PostStatus.REVIEWING)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("[UCS] Новости публикации")
    assert "Рассмотрение" in mail.outbox[0].body


def test_the_department_hears_of_a_new_proposal_and_the_proposer_of_the_decision(
    cast, problem, make_proposal, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        proposal = make_proposal(problem)
    assert [m.to for m in mail.outbox] == [[cast.official.email]]
    assert "AirSense" in mail.outbox[0].body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_decline(user=cast.official, proposal=proposal, reason="Over budget.")
    assert [m.to for m in mail.outbox] == [[cast.founder.email]]
    assert "Over budget." in mail.outbox[0].body


def test_overdue_proposals_are_flagged_to_the_department_once(
    cast, proposal, monkeypatch, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    later = timezone.localdate() + timedelta(days=60)
    monkeypatch.setattr("boards.selectors.timezone.localdate", lambda *a: later)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.notify_overdue_proposals() == 1
    assert [m.to for m in mail.outbox] == [[cast.official.email]]
    assert "overdue" in mail.outbox[0].body
    assert tasks.notify_overdue_proposals() == 0


def test_publishing_a_problem_matches_and_emails_the_best_fits_once(
    settings, cast, make_post, django_capture_on_commit_callbacks
):
    settings.BOARDS_MATCH_NOTIFY = 1
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        post = make_post()
    matches = list(PostMatch.objects.filter(post=post))
    assert matches[0].organization == cast.startup  # "IoT sensors ... air quality"
    assert matches[0].notified_at is not None
    founder_mails = [m for m in mail.outbox if m.to == [cast.founder.email]]
    assert len(founder_mails) == 1
    assert post.title in founder_mails[0].body
    # Matching again (a retry, an edit) tells nobody twice.
    mail.outbox.clear()
    tasks.match_post(post_id=post.pk)
    assert mail.outbox == []


def test_projects_are_not_matched(cast, django_capture_on_commit_callbacks):
    from .conftest import post_data

    with django_capture_on_commit_callbacks(execute=True):
        post = services.post_create(
            user=cast.founder,
            organization_slug="airsense",
            publish=True,
            **post_data(kind="project"),
        )
    assert not PostMatch.objects.filter(post=post).exists()
