from allauth.account.adapter import get_adapter as get_account_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from .forms import ProfileForm
from .services import user_sessions_end, user_set_language, user_update_profile


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language, and for a signed-in user also remember the choice."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    # Django's view ignores an unknown code; so do we.
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        user_set_language(user=request.user, language=language)
    return response


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user_update_profile(
            user=request.user,  # type: ignore[arg-type]
            name=form.cleaned_data["name"],
            language=form.cleaned_data["language"],
        )
        messages.success(request, _("Your profile is saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@require_POST
@login_required
def sessions_end_all(request: HttpRequest) -> HttpResponse:
    """Sign out everywhere: end every session of the person, this one last."""
    user_sessions_end(user=request.user)  # type: ignore[arg-type]
    get_account_adapter(request).logout(request)
    messages.success(request, _("You are signed out of all sessions."))
    return redirect("account_login")
