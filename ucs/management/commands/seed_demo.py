from django.core.management.base import BaseCommand
from django.db import transaction
from django.test import override_settings

from accounts import demo as accounts_demo
from boards import demo as boards_demo
from members import demo as members_demo
from messaging import demo as messaging_demo


class Command(BaseCommand):
    help = (
        "Load a believable, fictional demo ecosystem. Safe to run again: it changes nothing twice."
    )

    def handle(self, *args: object, **options: object) -> None:
        # The demo runs the real services, which tell people about what happens; fictional
        # people at .example addresses need no mail, so none is sent while seeding.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
            transaction.atomic(),
        ):
            users = accounts_demo.seed()
            organizations = members_demo.seed(users)
            posts = boards_demo.seed(users)
            conversations = messaging_demo.seed(users, organizations)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {len(users)} people, {len(organizations)} organisations, "
                f"{len(posts)} board posts, {len(conversations)} conversations."
            )
        )
        self.stdout.write("Log in at http://127.0.0.1:8000/accounts/login/ with any of these:")
        for user in users.values():
            role = " (moderator)" if user.is_staff else ""
            self.stdout.write(f"  {user.email:<34} {accounts_demo.DEMO_PASSWORD}{role}")
