"""Demo people for `manage.py seed_demo`. Every address is on the reserved .example domain."""

from allauth.account.models import EmailAddress

from .models import User

DEMO_PASSWORD = "ucs-demo-2026"

# key: (email, name, language, is_staff)
PEOPLE = {
    "moderator": ("moderator@ucs.example", "Dana Seitkali", "ru", True),
    "city": ("a.omarov@digital.almaty.example", "Arman Omarov", "ru", False),
    "university": ("liaison@satbayev-tech.example", "Gulnara Abenova", "kk", False),
    "founder": ("founder@airsense.example", "Timur Bekov", "en", False),
    "scout": ("scout@steppe-ventures.example", "Madina Ospanova", "en", False),
    "techpark": ("office@alatau-park.example", "Yerlan Zhaksylykov", "kk", False),
}


def seed() -> dict[str, User]:
    users: dict[str, User] = {}
    for key, (email, name, language, is_staff) in PEOPLE.items():
        user, created = User.objects.get_or_create(
            email=email,
            defaults={"name": name, "language": language, "is_staff": is_staff},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        users[key] = user
    return users
