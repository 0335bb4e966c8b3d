from django.conf import settings
from django.contrib.sites.models import Site


def site_url(path: str = "") -> str:
    """An absolute link for text sent outside a request (emails, seeded messages)."""
    domain = Site.objects.get_current().domain
    return f"{settings.ACCOUNT_DEFAULT_HTTP_PROTOCOL}://{domain}{path}"
