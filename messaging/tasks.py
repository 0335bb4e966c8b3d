from celery import shared_task

from . import selectors, services


@shared_task
def send_missed_message_emails() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): one task per person with missed messages."""
    user_ids = selectors.users_with_missed_messages()
    for user_id in user_ids:
        send_missed_messages_email.delay(user_id=user_id)
    return len(user_ids)


@shared_task(acks_late=True)
def send_missed_messages_email(*, user_id: int) -> bool:
    """Safe to run twice: the service records what it emailed in the same transaction."""
    return services.missed_messages_email_send(user_id=user_id) is not None
