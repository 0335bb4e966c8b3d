"""The directory's query parameters, one definition for the page, the CSV and the API.

django-filter validates the parameters (and documents them in the OpenAPI schema); the
query itself is built by `members.selectors.organization_directory`.
"""

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .models import District, Organization, OrganizationKind
from .search import (
    MAX_QUERY_LENGTH,
    ORDERING_NAME,
    ORDERING_NEWEST,
    ORDERING_RELEVANCE,
    DirectoryParams,
)
from .selectors import organization_directory

ORDERING_CHOICES = [
    (ORDERING_RELEVANCE, _("Relevance")),
    (ORDERING_NEWEST, _("Newest")),
    (ORDERING_NAME, _("Name")),
]


class MultipleValueField(forms.MultipleChoiceField):
    """Repeated query parameters (`tag=a&tag=b`) with no fixed list of choices."""

    widget = forms.MultipleHiddenInput

    def valid_value(self, value: str) -> bool:
        return bool(value) and len(value) <= 60


class MultipleValueFilter(django_filters.MultipleChoiceFilter):
    field_class = MultipleValueField


class OrganizationFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        label=_("Search"), method="filter_nothing", max_length=MAX_QUERY_LENGTH
    )
    kind = django_filters.MultipleChoiceFilter(
        label=_("Kind"), choices=OrganizationKind.choices, method="filter_nothing"
    )
    tag = MultipleValueFilter(label=_("Expertise tag"), method="filter_nothing")
    district = django_filters.MultipleChoiceFilter(
        label=_("District"), choices=District.choices, method="filter_nothing"
    )
    verified = django_filters.BooleanFilter(label=_("Verified"), method="filter_nothing")
    ordering = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=ORDERING_CHOICES, method="filter_nothing", empty_label=None
    )

    class Meta:
        model = Organization
        fields = ["search", "kind", "tag", "district", "verified", "ordering"]

    def filter_nothing(self, queryset: QuerySet[Organization], name: str, value: Any) -> Any:
        # Each filter only validates; `filter_queryset` builds the whole query at once
        # (ranking, facets and filters must agree).
        return queryset

    def params(self) -> DirectoryParams:
        """The valid part of the query: an invalid value is dropped, not fatal (pages)."""
        if not hasattr(self.form, "cleaned_data"):
            self.form.is_valid()
        data = self.form.cleaned_data
        return DirectoryParams(
            q=(data.get("search") or "").strip(),
            kinds=tuple(data.get("kind") or ()),
            tags=tuple(dict.fromkeys(data.get("tag") or ())),
            districts=tuple(data.get("district") or ()),
            verified=data.get("verified"),
            ordering=data.get("ordering") or "",
        )

    def filter_queryset(self, queryset: QuerySet[Organization]) -> QuerySet[Organization]:
        return organization_directory(params=self.params(), queryset=queryset)


class DirectoryFilter(OrganizationFilter):
    """The same filters for the HTML page, where `verified` is a checkbox."""

    verified = django_filters.BooleanFilter(
        label=_("Verified only"), method="filter_nothing", widget=forms.CheckboxInput
    )

    def params(self) -> DirectoryParams:
        params = super().params()
        # An unticked box means "any", never "unverified only".
        if params.verified is False:
            return DirectoryParams(**{**params.__dict__, "verified": None})
        return params
