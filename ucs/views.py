from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.static import serve

from boards.selectors import boards_summary, post_list_newest_problems
from members.selectors import (
    ecosystem_summary,
    membership_list_for_user,
    organization_list_newest,
)


def home(request: HttpRequest) -> HttpResponse:
    summary = ecosystem_summary()
    return render(
        request,
        "home.html",
        {
            "new_organizations": organization_list_newest(limit=6),
            "open_problems": post_list_newest_problems(limit=3),
            "stats": {
                "organizations": summary["total"],
                "verified": summary["verified"],
                "kinds": summary["kinds"],
            },
        },
    )


def favicon(request: HttpRequest) -> HttpResponse:
    # Browsers ask for /favicon.ico whatever the page says; resolved per request, because
    # the hashed static name only exists after collectstatic.
    return redirect(static("img/favicon.svg"), permanent=True)


def media(request: HttpRequest, path: str) -> FileResponse | HttpResponse:
    """Uploads, when SERVE_MEDIA is on; MEDIA_ROOT is read per request, not at import."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "dashboard.html",
        {
            "memberships": membership_list_for_user(user=request.user),  # type: ignore[arg-type]
            "ecosystem": ecosystem_summary(),
            "boards": boards_summary(viewer=request.user),
        },
    )
