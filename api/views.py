"""Pages of the API: tokens on the institution's settings (administrators), and the public
documentation (Swagger UI, vendored in static/, reading /api/v1/schema/)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from coop.access import ADMINS, require_role

from . import services
from .forms import ApiTokenForm
from .models import ApiToken
from .scopes import scope_choices
from .selectors import api_requests_for_token, api_tokens_for_tenant

MAX_TOKENS_SHOWN = 200  # an institution has a handful; the page shows the newest this many


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
    labels = dict(scope_choices())
    rows = list(api_tokens_for_tenant(request.tenant)[:MAX_TOKENS_SHOWN])
    for row in rows:
        row.scope_labels = [labels.get(s, s) for s in row.scopes]
    return render(request, "api/tokens.html", {"form": form, "tokens": rows, "created": created})


@require_role(ADMINS)
def token_detail(request, tenant_slug, pk):
    token = get_object_or_404(ApiToken, tenant=request.tenant, pk=pk)
    labels = dict(scope_choices())
    token.scope_labels = [labels.get(s, s) for s in token.scopes]
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
