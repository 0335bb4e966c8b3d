from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from members.models import Organization

from .models import EmailPreference, Purpose
from .services import MAX_BODY


class StartForm(forms.Form):
    """The first message to a person or an organisation, and on whose behalf it is written."""

    as_organization = forms.ChoiceField(label=_("Write as"), required=False)
    purpose = forms.ChoiceField(
        label=_("What is it about?"), choices=[("", "—"), *Purpose.choices], required=False
    )
    body = forms.CharField(
        label=_("Your message"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_BODY}),
    )

    def __init__(
        self,
        *args: Any,
        user: User,
        organizations: list[Organization],
        to_organization: Organization | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organizations = {str(o.pk): o for o in organizations}
        cast(forms.ChoiceField, self.fields["as_organization"]).choices = [
            ("", _("Myself, %(name)s") % {"name": user.name}),
            *[(str(o.pk), o.name) for o in organizations],
        ]
        if not organizations:
            self.fields["as_organization"].widget = forms.HiddenInput()
        if to_organization is None:
            del self.fields["purpose"]
        else:
            self.fields["purpose"].required = True

    def clean_as_organization(self) -> Organization | None:
        value = self.cleaned_data.get("as_organization") or ""
        if not value:
            return None
        if value not in self.organizations:
            raise forms.ValidationError(_("Choose one of your organisations."))
        return self.organizations[value]


class SettingsForm(forms.Form):
    email = forms.ChoiceField(
        label=_("Email me about messages I have not read for 10 minutes"),
        choices=EmailPreference.choices,
        widget=forms.RadioSelect,
    )


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong with this message?"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AssignForm(forms.Form):
    """Who takes an organisation's side of a conversation; no `user` gives it to nobody."""

    organization = forms.SlugField()
    user = forms.IntegerField(required=False, min_value=1)
