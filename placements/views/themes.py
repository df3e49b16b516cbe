from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from coop.access import EVERY_ROLE, MANAGERS, has_role, require_role, tenant_public
from coop.http import error_text, run_action
from coop.lists import ListSpec, field_filter, list_response, search_filter
from coop.models import Role

from ..access import get_theme_for_user, public_theme_next_step, theme_side
from ..exports import TABLES
from ..forms.themes import PartnerThemeForm, ReasonForm, ThemeCommentForm, ThemeForm
from ..models import PartnerContact, Theme
from ..selectors import lists
from ..selectors.entries import entries_accepted_by, entry_closed_reason, theme_next_round_refusal
from ..selectors.themes import (
    public_themes,
    theme_comments,
    theme_detail_context,
    theme_list_rows,
    theme_state_counts,
)
from ..selectors.visibility import themes_for_user
from ..services import themes as services

# What the button that moves a theme into each state says.
THEME_ACTIONS = {
    Theme.State.DRAFT: gettext_lazy("Back to draft"),
    Theme.State.AGREED: gettext_lazy("Mark as agreed with the partner"),
    Theme.State.OPEN: gettext_lazy("Open for applications"),
    Theme.State.SELECTING: gettext_lazy("Close applications and select"),
    Theme.State.FILLED: gettext_lazy("Mark as filled"),
    Theme.State.CLOSED: gettext_lazy("Close the theme"),
    Theme.State.CANCELLED: gettext_lazy("Cancel the theme"),
}


THEME_LIST = ListSpec(
    template="placements/themes/list.html",
    search=search_filter("title", lists.search_partners("partner")),
    filters=(
        lists.state_filter(Theme),
        lists.program_filter(),
        lists.term_filter(),
        field_filter("track", Theme._meta.get_field("track").verbose_name, "track", lambda r: Theme.Track.choices),
        lists.partner_filter(),
    ),
    sorts={
        "title": (gettext_lazy("Title"), ["title"]),
        "partner": (gettext_lazy("Partner"), ["partner__name"]),
        "program": (gettext_lazy("Program"), ["program__name"]),
        "state": (gettext_lazy("State"), ["state"]),
        "created": (gettext_lazy("created"), ["created_at"]),
    },
    default_sort="-created",
    rows=theme_list_rows,
    export=TABLES["themes"],
)


@require_role(EVERY_ROLE)
def theme_list(request, tenant_slug):
    role = request.membership.role
    context = {"search_hint": _("Theme title or partner name"), "entries_accepted": entries_accepted_by(request.tenant)}
    if role in MANAGERS:
        context["state_counts"] = theme_state_counts(request.user, role)
    return list_response(request, themes_for_user(request.user, role), THEME_LIST, context)


# The two sides that set a theme together: the office and the partner's people.
THEME_SIDES = frozenset({*MANAGERS, Role.PARTNER})
WITHDRAWN = {
    "partner": gettext_lazy(
        "Theme saved. The partner had confirmed it: their confirmation was withdrawn, and they are asked to confirm "
        "the changed theme."
    ),
    "institution": gettext_lazy(
        "Theme saved. The placement office had confirmed it: its confirmation was withdrawn, and it is asked to "
        "confirm the changed theme."
    ),
}


def _saved_message(theme):
    return WITHDRAWN[theme.cleared] if theme.cleared else _("Theme saved.")


def _partner_of_person(request):
    """The partner the signed-in partner person belongs to (the first, if several), else 403."""
    contact = PartnerContact.objects.filter(user=request.user).select_related("partner").order_by("pk").first()
    if contact is None:
        raise PermissionDenied
    return contact.partner


@require_role(Role.PARTNER)
def theme_propose(request, tenant_slug):
    """A partner person proposes a draft theme; the office and the partner then set it together."""
    partner = _partner_of_person(request)
    form = PartnerThemeForm(request.POST or None, tenant=request.tenant, partner=partner)
    if request.method == "POST" and form.is_valid():
        try:
            theme = services.theme_propose(partner=partner, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your theme was proposed; the placement office is told."))
            return redirect(theme)
    return render(request, "placements/themes/form.html", {"form": form, "theme": None, "proposing": True})


def _partner_edit(request, pk):
    theme = get_theme_for_user(request, pk)
    if theme.state != Theme.State.DRAFT:
        raise PermissionDenied  # after the agreement the theme is the office's to change
    form = PartnerThemeForm(request.POST or None, instance=theme, tenant=request.tenant, partner=theme.partner)
    if request.method == "POST" and form.is_valid():
        try:
            theme = services.theme_save(tenant=request.tenant, theme=theme, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _saved_message(theme))
            return redirect(theme)
    return render(request, "placements/themes/form.html", {"form": form, "theme": theme})


@require_role(MANAGERS)
def theme_create(request, tenant_slug):
    return _staff_edit(request)


@require_role(THEME_SIDES)
def theme_edit(request, tenant_slug, pk):
    """Staff edit any theme; a partner person edits a draft of their own partner's."""
    if has_role(request, MANAGERS):
        return _staff_edit(request, pk)
    return _partner_edit(request, pk)


def _staff_edit(request, pk=None):
    theme = get_object_or_404(Theme, pk=pk) if pk else None
    initial = {}
    if theme is None and request.GET.get("partner"):
        initial["partner"] = request.GET["partner"]
    form = ThemeForm(request.POST or None, instance=theme, tenant=request.tenant, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            theme = services.theme_save(tenant=request.tenant, theme=theme, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _saved_message(theme))
            return redirect(theme)
    return render(request, "placements/themes/form.html", {"form": form, "theme": theme})


@require_role(EVERY_ROLE)
def theme_detail(request, tenant_slug, pk):
    role = request.membership.role
    theme = get_theme_for_user(request, pk)
    next_states = [(s, THEME_ACTIONS[s]) for s in Theme.State.values if s in Theme.TRANSITIONS[theme.state]]
    side = theme_side(theme, request.user)
    context = {
        "theme": theme,
        "next_states": next_states,
        "reason_form": ReasonForm(),
        "side": side,
        "may_edit": side == "institution" or (side == "partner" and theme.state == Theme.State.DRAFT),
        "comments": theme_comments(theme) if side else None,
        "comment_form": ThemeCommentForm(),
        "next_round": role in MANAGERS and not theme_next_round_refusal(theme),
        **theme_detail_context(theme, request.user, role),
    }
    return render(request, "placements/themes/detail.html", context)


@require_POST
@require_role(THEME_SIDES)
def theme_confirm(request, tenant_slug, pk):
    """合意済み from the signed-in person's side; with both sides' confirmations, agreed."""
    theme = get_theme_for_user(request, pk)
    try:
        confirmed = services.theme_confirm(theme=theme, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        if confirmed.state == Theme.State.AGREED:
            messages.success(request, _("Both sides confirmed: the theme is agreed."))
        else:
            messages.success(request, _("Your side confirmed the theme; the other side is asked to confirm."))
    return redirect(theme)


@require_POST
@require_role(THEME_SIDES)
def theme_comment(request, tenant_slug, pk):
    theme = get_theme_for_user(request, pk)
    form = ThemeCommentForm(request.POST)
    return run_action(
        request,
        lambda: services.theme_comment_add(theme=theme, by=request.user, body=form.data.get("body", "")),
        success=_("Your comment was added."),
        redirect_to=theme,
    )


@require_POST
@require_role(MANAGERS)
def theme_transition(request, tenant_slug, pk, state):
    theme = get_object_or_404(Theme, pk=pk)
    form = ReasonForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    label = dict(Theme.State.choices).get(state, state)
    return run_action(
        request,
        lambda: services.theme_transition(theme=theme, to=state, by=request.user, note=note),
        success=_("The theme is now “%(state)s”.") % {"state": label},
        redirect_to=theme,
    )


@require_POST
@require_role(MANAGERS)
def theme_publish(request, tenant_slug, pk):
    theme = get_object_or_404(Theme, pk=pk)
    public = request.POST.get("public") == "1"
    return run_action(
        request,
        lambda: services.theme_publish(theme=theme, public=public, by=request.user),
        success=_("The theme is on the public project index.") if public else _("The theme is no longer public."),
        redirect_to=theme,
    )


@tenant_public
def public_theme_index(request, tenant_slug):
    """The public project index (seed 002): open themes anyone can read, no sign-in needed."""
    context = {"themes": public_themes(request.tenant), "entries_accepted": entries_accepted_by(request.tenant)}
    return render(request, "placements/themes/public_index.html", context)


@tenant_public
def public_theme_detail(request, tenant_slug, pk):
    theme = get_object_or_404(public_themes(request.tenant), pk=pk)
    context = {
        "theme": theme,
        "next_step": public_theme_next_step(request, theme),
        # Visitors without an account (or with one elsewhere) enter here (seed 002).
        "entry_open": not entry_closed_reason(theme),
    }
    return render(request, "placements/themes/public_detail.html", context)


@tenant_public
def public_theme_apply(request, tenant_slug, pk):
    """ "Sign in to apply" on a public project: sign in first, then a student goes on to the
    theme's page (where they apply); anyone else comes back to the project, told why not."""
    theme = get_object_or_404(public_themes(request.tenant), pk=pk)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    step = public_theme_next_step(request, theme)
    if step.get("is_student") and step.get("opens"):
        return redirect("placements:theme_detail", tenant_slug=tenant_slug, pk=theme.pk)
    return redirect("placements:public_theme_detail", tenant_slug=tenant_slug, pk=theme.pk)


urlpatterns = [
    path("themes/", theme_list, name="theme_list"),
    path("themes/new/", theme_create, name="theme_create"),
    path("themes/propose/", theme_propose, name="theme_propose"),
    path("themes/<int:pk>/confirm/", theme_confirm, name="theme_confirm"),
    path("themes/<int:pk>/comments/", theme_comment, name="theme_comment"),
    path("themes/<int:pk>/", theme_detail, name="theme_detail"),
    path("themes/<int:pk>/edit/", theme_edit, name="theme_edit"),
    path("themes/<int:pk>/state/<str:state>/", theme_transition, name="theme_transition"),
    path("themes/<int:pk>/publish/", theme_publish, name="theme_publish"),
    path("projects/", public_theme_index, name="public_theme_index"),
    path("projects/<int:pk>/", public_theme_detail, name="public_theme_detail"),
    path("projects/<int:pk>/apply/", public_theme_apply, name="public_theme_apply"),
]
