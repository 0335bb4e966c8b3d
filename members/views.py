from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import Organization


def directory(request: HttpRequest) -> HttpResponse:
    organizations = Organization.objects.order_by("name")
    page = Paginator(organizations, 24).get_page(request.GET.get("page"))
    return render(request, "members/directory.html", {"page": page})


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    organization = get_object_or_404(Organization, slug=slug)
    return render(request, "members/detail.html", {"organization": organization})
