from allauth.utils import build_absolute_uri


def site_url(path: str = "") -> str:
    """An absolute link for text sent out of the site (emails, seeded messages).

    allauth's helper: the current request's host when there is one, else the Sites domain
    (`SITE_DOMAIN`) with `ACCOUNT_DEFAULT_HTTP_PROTOCOL` — the same rule allauth's own emails
    and the members' invitations follow.
    """
    return build_absolute_uri(None, "/").rstrip("/") + path
