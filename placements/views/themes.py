from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from coop.access import EVERY_ROLE, MANAGERS, require_role, tenant_public
from coop.http import run_action
from coop.lists import ListSpec, field_filter, list_response, search_filter

from ..access import get_theme_for_user
from ..exports import TABLES
from ..forms.themes import ReasonForm, ThemeForm
from ..models import Theme
from ..selectors import lists
from ..selectors.themes import public_themes, theme_detail_context, theme_list_rows, theme_state_counts
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
    context = {"search_hint": _("Theme title or partner name")}
    if role in MANAGERS:
        context["state_counts"] = theme_state_counts(request.user, role)
    return list_response(request, themes_for_user(request.user, role), THEME_LIST, context)


@require_role(MANAGERS)
def theme_edit(request, tenant_slug, pk=None):
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
            messages.success(request, _("Theme saved."))
            return redirect(theme)
    return render(request, "placements/themes/form.html", {"form": form, "theme": theme})


@require_role(EVERY_ROLE)
def theme_detail(request, tenant_slug, pk):
    role = request.membership.role
    theme = get_theme_for_user(request, pk)
    next_states = [(s, THEME_ACTIONS[s]) for s in Theme.State.values if s in Theme.TRANSITIONS[theme.state]]
    context = {
        "theme": theme,
        "next_states": next_states,
        "reason_form": ReasonForm(),
        **theme_detail_context(theme, request.user, role),
    }
    return render(request, "placements/themes/detail.html", context)


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
    return render(request, "placements/themes/public_index.html", {"themes": public_themes(request.tenant)})


@tenant_public
def public_theme_detail(request, tenant_slug, pk):
    theme = get_object_or_404(public_themes(request.tenant), pk=pk)
    return render(request, "placements/themes/public_detail.html", {"theme": theme})


urlpatterns = [
    path("themes/", theme_list, name="theme_list"),
    path("themes/new/", theme_edit, name="theme_create"),
    path("themes/<int:pk>/", theme_detail, name="theme_detail"),
    path("themes/<int:pk>/edit/", theme_edit, name="theme_edit"),
    path("themes/<int:pk>/state/<str:state>/", theme_transition, name="theme_transition"),
    path("themes/<int:pk>/publish/", theme_publish, name="theme_publish"),
    path("projects/", public_theme_index, name="public_theme_index"),
    path("projects/<int:pk>/", public_theme_detail, name="public_theme_detail"),
]
