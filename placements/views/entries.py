"""Entries from the public project index (seed 002) and the next round of a finished project."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from coop.access import MANAGERS, require_role, tenant_public
from coop.http import anonymous_upload, rate_limited
from coop.links import link_refused
from coop.uploads import ENTRY, MB

from ..forms.entries import EntryConfirmForm, EntryForm, EntrySchoolsForm, ThemeCopyForm
from ..models import Theme
from ..selectors.entries import (
    entries_accepted_by,
    entry_closed_reason,
    entry_for_token,
    entry_schools,
    theme_next_round_refusal,
)
from ..selectors.themes import public_themes
from ..services import entries as services


def _public_theme(request, pk):
    """A project on the public index of a tenant that takes entries, else 404."""
    if not entries_accepted_by(request.tenant):
        raise Http404
    return get_object_or_404(public_themes(request.tenant), pk=pk)


def _rate_limit_refusal(request, email):
    """Which limit an entry reached ("" for none): per client address, then per email."""
    if rate_limited(request, "entry"):
        return _("Too many entries were sent from your network. Try again in an hour.")
    if rate_limited(request, "entry_email", key=email.lower()):
        return _("Too many entries were sent with this email address. Try again in an hour.")
    return ""


@tenant_public
@anonymous_upload(ENTRY.max_bytes + MB)  # the file and the form around it
def entry_create(request, tenant_slug, pk):
    """The entry form of a public project, for a visitor without an account. The answer is the
    same whether or not the address has an account (the email says what to do next)."""
    theme = _public_theme(request, pk)
    form = EntryForm(
        request.POST or None,
        request.FILES or None,
        schools=entry_schools(request.tenant).values_list("name", flat=True),
    )
    status = 200
    if request.method == "POST":
        if form.is_bot:
            # A form-filling bot: answered like a person, nothing kept, nothing sent.
            return redirect("placements:entry_sent", tenant_slug=tenant_slug, pk=theme.pk)
        if form.is_valid():
            refusal = _rate_limit_refusal(request, form.cleaned_data["email"])
            if refusal:
                form.add_error(None, refusal)
                status = 429
            else:
                values = {k: v for k, v in form.cleaned_data.items() if k != "website"}
                try:
                    services.entry_submit(theme=theme, **values)
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    return redirect("placements:entry_sent", tenant_slug=tenant_slug, pk=theme.pk)
    context = {"theme": theme, "form": form, "closed": entry_closed_reason(theme)}
    return render(request, "placements/entries/form.html", context, status=status)


@tenant_public
def entry_sent(request, tenant_slug, pk):
    theme = _public_theme(request, pk)
    return render(request, "placements/entries/sent.html", {"theme": theme})


def _entry_again_url(request, entry):
    """Where the holder of a spent entry link enters again: its project's public page while the
    project is on the index ("" for an unknown token or a project no longer public)."""
    if entry is None or not public_themes(request.tenant).filter(pk=entry.theme_id).exists():
        return ""
    return reverse("placements:public_theme_detail", kwargs={"tenant_slug": request.tenant.slug, "pk": entry.theme_id})


@tenant_public
def entry_confirm(request, tenant_slug, token):
    """The emailed link. Signed in with the entry's address: confirm. An account with that
    address but not signed in: sign in first. No account: confirm, which makes one."""
    entry = entry_for_token(request.tenant, token)
    if entry is None or entry.status != "pending":
        return link_refused(request, entry, sign_in=True, entrant=True, again_url=_entry_again_url(request, entry))
    context = {"entry": entry, "theme": entry.theme}
    if request.user.is_authenticated:
        if request.user.email.lower() != entry.email.lower():
            return render(request, "placements/entries/wrong_user.html", context, status=403)
        form = None
    elif services.entry_account_exists(entry):
        context["login_url"] = reverse("account_login") + "?next=" + request.path
        return render(request, "placements/entries/login_first.html", context)
    else:
        # Bound on POST even when empty: no password is a valid answer.
        form = EntryConfirmForm(request.POST if request.method == "POST" else None, entry=entry)
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            application = services.entry_confirm(
                entry=entry,
                user=request.user if form is None else None,
                password=form.cleaned_data["password1"] if form is not None else "",
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("placements:public_theme_detail", tenant_slug=tenant_slug, pk=entry.theme_id)
        if form is not None:
            login(request, application.student, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Your entry is confirmed: the coordinator will contact you."))
        return redirect(application)
    context["form"] = form
    response = render(request, "placements/entries/confirm.html", context)
    response["Referrer-Policy"] = "same-origin"
    return response


@require_role(MANAGERS)
def entry_school_list(request, tenant_slug):
    """The schools entrants choose from (they may also type another)."""
    names = list(entry_schools(request.tenant).values_list("name", flat=True))
    form = EntrySchoolsForm(request.POST or None, initial={"names": "\n".join(names)})
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_schools_set(
                tenant=request.tenant, names=form.cleaned_data["names"].splitlines(), by=request.user
            )
        except ValidationError as error:
            form.add_error("names", error)
        else:
            messages.success(request, _("The list of schools is saved."))
            return redirect("placements:entry_schools", tenant_slug=tenant_slug)
    return render(request, "placements/entries/schools.html", {"form": form})


@require_role(MANAGERS)
def theme_copy(request, tenant_slug, pk):
    """Next round: a finished project copied into a new draft theme with its lessons."""
    theme = get_object_or_404(Theme.objects.select_related("partner", "program", "term"), pk=pk)
    form = ThemeCopyForm(request.POST or None, theme=theme, initial={"title": theme.title, "lessons": theme.lessons})
    refusal = theme_next_round_refusal(theme)
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.theme_copy_for_next_round(theme=theme, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The draft theme for the next round is made; set it with the partner."))
            return redirect(copy)
    return render(request, "placements/themes/copy.html", {"theme": theme, "form": form, "refusal": refusal})


urlpatterns = [
    path("projects/<int:pk>/entry/", entry_create, name="entry_create"),
    path("projects/<int:pk>/entry/sent/", entry_sent, name="entry_sent"),
    path("entry/<str:token>/", entry_confirm, name="entry_confirm"),
    path("entry-schools/", entry_school_list, name="entry_schools"),
    path("themes/<int:pk>/next-round/", theme_copy, name="theme_copy"),
]
