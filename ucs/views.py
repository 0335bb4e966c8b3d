from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
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


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _api_error(status: int, code: str, detail: str) -> JsonResponse:
    # The same shape as drf-standardized-errors gives every API error.
    return JsonResponse(
        {
            "type": "client_error" if status < 500 else "server_error",
            "errors": [{"code": code, "detail": detail, "attr": None}],
        },
        status=status,
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_json(request):
        return _api_error(404, "not_found", _("Not found."))
    return render(request, "errors/404.html", status=404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_json(request):
        return _api_error(403, "permission_denied", _("You do not have permission to do this."))
    return render(request, "errors/403.html", status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_json(request):
        return _api_error(400, "bad_request", _("Bad request."))
    return render(request, "errors/400.html", status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    if _wants_json(request):
        return _api_error(500, "error", _("A server error occurred."))
    # No context processors here: whatever broke the request may break them too.
    return render(request, "errors/500.html", status=500, using=None)
