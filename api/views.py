"""Pages of the API: tokens on the institution's settings (administrators), and the public
documentation (Swagger UI, vendored in static/, reading /api/v1/schema/)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from coop.access import ADMINS, require_role
from coop.lists import ListSpec, list_response, search_filter

from . import services
from .forms import ApiTokenForm
from .models import ApiToken
from .selectors import api_requests_for_token, api_token_rows, api_tokens_for_tenant


@never_cache  # the page that shows a new token's secret once is never stored by a browser or proxy
@require_role(ADMINS)
def tokens(request, tenant_slug):
    form = ApiTokenForm(request.POST or None, tenant=request.tenant)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = services.api_token_create(
                tenant=request.tenant,
                by=request.user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_on=form.cleaned_data["expires_on"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            created = {"token": token, "raw": raw}
            form = ApiTokenForm(tenant=request.tenant)
    return list_response(request, api_tokens_for_tenant(request.tenant), TOKEN_LIST, {"form": form, "created": created})


TOKEN_LIST = ListSpec(
    template="api/tokens.html",
    search=search_filter("name"),
    sorts={"created": (gettext_lazy("created"), ["created_at"]), "name": (gettext_lazy("Name"), ["name"])},
    default_sort="-created",
    rows=api_token_rows,
)


@require_role(ADMINS)
def token_detail(request, tenant_slug, pk):
    token = get_object_or_404(api_token_rows(api_tokens_for_tenant(request.tenant)), pk=pk)
    return render(request, "api/token_detail.html", {"token": token, "requests": api_requests_for_token(token)})


@require_POST
@require_role(ADMINS)
def token_revoke(request, tenant_slug, pk):
    token = get_object_or_404(ApiToken, tenant=request.tenant, pk=pk)
    try:
        services.api_token_revoke(token=token, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("api_tokens:tokens", tenant_slug=tenant_slug)


def docs(request):
    """Swagger UI for the schema; public like the schema (no data, only its shape)."""
    return render(request, "api/docs.html")
