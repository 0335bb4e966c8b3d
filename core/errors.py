"""The site's error pages: HTML for pages, the API error shape for `/api/…`."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


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
