from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from .logos import MAX_LOGO_BYTES
from .models import Organization, Role, Shortlist, WorkingLanguage
from .services import PROFILE_FIELDS
from .tags import tag_parse


def _https_urls(db_field: models.Field, **kwargs: Any) -> forms.Field | None:
    # A website typed without a scheme ("ucs.kz") means https, as Django 6 will assume.
    if isinstance(db_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return db_field.formfield(**kwargs)


class OrganizationForm(forms.ModelForm):
    """The public profile. Tags arrive as comma-separated text; the service normalises them."""

    tags_input = forms.CharField(
        label=_("Expertise tags"),
        required=False,
        help_text=_(
            "Separate tags with commas, e.g. “machine learning, GIS, open data”. Up to 12 tags."
        ),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "data-tag-input": "",
                "hx-get": reverse_lazy("members:tag_suggestions"),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": "#tag-suggestions",
            }
        ),
    )
    languages = forms.MultipleChoiceField(
        label=_("Working languages"),
        choices=WorkingLanguage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Organization
        formfield_callback = _https_urls
        fields = [*PROFILE_FIELDS, "tags_input"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "latitude": forms.NumberInput(attrs={"step": "0.000001", "placeholder": "43.238949"}),
            "longitude": forms.NumberInput(attrs={"step": "0.000001", "placeholder": "76.889709"}),
            "bin": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 12}),
            "phone": forms.TextInput(attrs={"type": "tel", "placeholder": "+7 727 000 00 00"}),
        }
        help_texts = {
            "description": _("Markdown: **bold**, *italic*, lists, links. No HTML."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.fields["tags_input"].initial = ", ".join(
                tag.name for tag in self.instance.tags.all()
            )

    def clean_tags_input(self) -> list[str]:
        return tag_parse(self.cleaned_data.get("tags_input") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("longitude", _("Give both latitude and longitude, or neither."))
        return data

    def profile_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name != "tags_input"}


class LogoForm(forms.Form):
    logo = forms.FileField(
        label=_("Logo"),
        help_text=_("JPEG, PNG or WebP, up to 2 MB. We resize it for you; square works best."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    def clean_logo(self) -> Any:
        logo = self.cleaned_data["logo"]
        if logo.size > MAX_LOGO_BYTES:
            raise ValidationError(_("The logo is larger than 2 MB."))
        return logo


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[(Role.MEMBER, Role.MEMBER.label), (Role.ADMIN, Role.ADMIN.label)],
        initial=Role.MEMBER,
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the admins"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Who you are and how you work with the organisation."),
    )


class MembershipSettingsForm(forms.Form):
    title = forms.CharField(label=_("Your job title"), max_length=120, required=False)
    is_public = forms.BooleanField(label=_("Show me on the public profile"), required=False)


class ShortlistForm(forms.ModelForm):
    class Meta:
        model = Shortlist
        fields = ["name", "team"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team_field = self.fields["team"]
        assert isinstance(team_field, forms.ModelChoiceField)
        team_field.queryset = Organization.objects.filter(memberships__user=user).order_by("name")
        team_field.empty_label = _("Only me")


class ShortlistAddForm(forms.Form):
    shortlist = forms.ModelChoiceField(label=_("Shortlist"), queryset=Shortlist.objects.none())
    note = forms.CharField(
        label=_("Private note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, shortlists: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["shortlist"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = shortlists


class ShortlistNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Private note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
