"""Page forms: they only shape input; the services decide what is allowed."""

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import District, Membership

from .attachments import MAX_ATTACHMENTS
from .models import Category, Outcome, PostKind, PostStatus, ProposalStatus
from .selectors import ORDERINGS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": "application/pdf,image/png,image/jpeg,image/webp"}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(item, initial) for item in data if item]
        else:
            files = [single(data, initial)] if data else []
        if len(files) > MAX_ATTACHMENTS:
            raise ValidationError(_("At most %(n)d files at once.") % {"n": MAX_ATTACHMENTS})
        return files


def organization_choices(memberships: list[Membership]) -> list[tuple[str, str]]:
    return [(m.organization.slug, m.organization.name) for m in memberships]


class BoardFilterForm(forms.Form):
    """The filters of `/boards/`: every value is in the URL, so a filtered view is bookmarkable."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *PostKind.choices]
    )
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", _("All categories")), *Category.choices],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Any published status")),
            *[c for c in PostStatus.choices if c[0] != PostStatus.DRAFT],
        ],
    )
    district = forms.ChoiceField(
        label=_("District"),
        required=False,
        choices=[("", _("All districts")), *District.choices],
    )
    organization = forms.SlugField(label=_("Organisation"), required=False, max_length=80)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[("newest", _("Newest")), ("deadline", _("Closest deadline"))],
    )

    def clean_sort(self) -> str:
        value = self.cleaned_data.get("sort") or "newest"
        return value if value in ORDERINGS else "newest"


class PostForm(forms.Form):
    organization = forms.ChoiceField(label=_("On behalf of"))
    kind = forms.ChoiceField(label=_("Kind of post"), choices=PostKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One or two sentences shown on the boards."),
    )
    body = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Markdown: **bold**, lists, links. The context, the data, the constraints."),
    )
    expected_outcome = forms.CharField(
        label=_("Expected outcome"), widget=forms.Textarea(attrs={"rows": 3})
    )
    categories = forms.MultipleChoiceField(
        label=_("Categories"), choices=Category.choices, widget=forms.CheckboxSelectMultiple
    )
    districts = forms.MultipleChoiceField(
        label=_("Districts concerned"),
        choices=District.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty if it concerns the whole city."),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=600,
        help_text=_("Separated by commas, e.g. air quality, IoT sensors."),
    )
    deadline = forms.DateField(
        label=_("Deadline for proposals"), widget=forms.DateInput(attrs={"type": "date"})
    )
    budget_min = forms.IntegerField(label=_("Budget from (KZT)"), required=False, min_value=0)
    budget_max = forms.IntegerField(label=_("Budget up to (KZT)"), required=False, min_value=0)
    contact_name = forms.CharField(label=_("Responsible contact"), max_length=150)
    contact_email = forms.EmailField(label=_("Contact email"))
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("PDF or PNG, JPEG, WebP images, up to 10 MB each."),
    )

    def __init__(
        self,
        *args: Any,
        memberships: list[Membership],
        editing: bool = False,
        allow_problem: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not allow_problem:
            # Offer only what the person can publish; the service checks it again.
            cast(forms.ChoiceField, self.fields["kind"]).choices = [
                c for c in PostKind.choices if c[0] != PostKind.PROBLEM
            ]
        cast(forms.ChoiceField, self.fields["organization"]).choices = organization_choices(
            memberships
        )
        if editing:
            del self.fields["organization"]

    def clean_tags(self) -> list[str]:
        raw = self.cleaned_data.get("tags") or ""
        return [t.strip() for t in raw.split(",") if t.strip()]

    def clean_deadline(self) -> Any:
        deadline = self.cleaned_data["deadline"]
        if deadline and deadline < timezone.localdate() and self.data.get("action") == "publish":
            raise ValidationError(_("The deadline for proposals must not be in the past."))
        return deadline


class TransitionForm(forms.Form):
    status = forms.ChoiceField(choices=PostStatus.choices)
    outcome = forms.ChoiceField(
        label=_("Outcome"), required=False, choices=[("", "—"), *Outcome.choices]
    )
    statement = forms.CharField(
        label=_("Public statement"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ProposalForm(forms.Form):
    organization = forms.ChoiceField(label=_("On behalf of"))
    summary = forms.CharField(
        label=_("Summary"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    approach = forms.CharField(
        label=_("Approach"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown. How you would solve it, and what you have done before."),
    )
    team = forms.CharField(label=_("Team"), widget=forms.Textarea(attrs={"rows": 3}))
    timeline = forms.CharField(label=_("Timeline"), widget=forms.Textarea(attrs={"rows": 3}))
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("PDF or PNG, JPEG, WebP images, up to 10 MB each."),
    )

    def __init__(self, *args: Any, memberships: list[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["organization"]).choices = organization_choices(
            memberships
        )


class ProposalDecisionForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (ProposalStatus.SHORTLISTED, ProposalStatus.SHORTLISTED.label),
            (ProposalStatus.ACCEPTED, ProposalStatus.ACCEPTED.label),
            (ProposalStatus.DECLINED, ProposalStatus.DECLINED.label),
            (ProposalStatus.WITHDRAWN, ProposalStatus.WITHDRAWN.label),
        ]
    )
    reason = forms.CharField(required=False, max_length=4000, widget=forms.Textarea)
