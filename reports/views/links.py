"""Emailed links: staff send, re-send and revoke them from the placement's report page and see
who opened what and when; the partner supervisor opens one and fills the form without an
account. The link page never signs anybody in."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from coop.access import MANAGERS, require_role, tenant_public
from coop.http import client_ip, run_action
from coop.links import link_refused
from coop.lists import Filter, ListSpec, field_filter, link_state_filter, list_response, search_filter
from placements.access import get_placement_for_user
from placements.selectors import lists

from .. import selectors, services
from ..forms import FeedbackForm, LinkSendForm
from ..models import AccessLink, DailyReport, Evaluation
from .evaluations import evaluation_values


def _placement_url(placement):
    return reverse("reports:placement", kwargs={"tenant_slug": placement.tenant_slug, "pk": placement.pk}) + "#links"


def link_send_form(placement, data=None):
    return LinkSendForm(data, contacts=selectors.link_targets(placement), months=selectors.feedback_months(placement))


@require_POST
@require_role(MANAGERS)
def link_send(request, tenant_slug, pk):
    placement = get_placement_for_user(request, pk)
    form = link_send_form(placement, request.POST)

    def send():
        if not form.is_valid():
            # Each message with its field's label: the form is a row of selects on another page.
            raise ValidationError(
                [f"{form.fields[name].label}: {e}" for name, errors in form.errors.items() for e in errors]
            )
        services.access_link_send(
            placement=placement,
            contact=form.cleaned_data["contact"],
            purpose=form.cleaned_data["purpose"],
            month=form.cleaned_data["month"],
            by=request.user,
        )

    return run_action(request, send, success=_("The link is sent."), redirect_to=_placement_url(placement))


def _link_for_staff(request, pk):
    found = get_object_or_404(AccessLink.objects.select_related("contact", "created_by"), pk=pk)
    # Visible when its placement is (404 otherwise, like the placement).
    found.placement = get_placement_for_user(request, found.placement_id)
    return found


@require_POST
@require_role(MANAGERS)
def link_revoke(request, tenant_slug, pk):
    found = _link_for_staff(request, pk)
    return run_action(
        request,
        lambda: services.access_link_revoke(link=found, by=request.user),
        success=_("The link is revoked."),
        redirect_to=_placement_url(found.placement),
    )


@require_GET
@require_role(MANAGERS)
def link_list(request, tenant_slug):
    queryset = AccessLink.objects.filter(tenant=request.tenant)
    context = {"search_hint": _("Student, partner, or the person and email address it went to")}
    return list_response(request, queryset, LINK_LIST, context)


LINK_LIST = ListSpec(
    template="reports/links/list.html",
    search=search_filter(
        lists.search_people("placement__student"),
        lists.search_partners("placement__partner"),
        "email",
        "contact__full_name",
    ),
    filters=(
        link_state_filter(AccessLink),
        field_filter("purpose", gettext_lazy("For"), "purpose", lambda r: AccessLink.Purpose.choices),
        lists.partner_filter("placement__partner"),
        # The dashboard's "links not opened" waiting item links here (?unopened=1).
        Filter(
            "unopened",
            gettext_lazy("Not opened yet"),
            lambda qs, value: selectors.unopened_links(qs, timezone.now()),
        ),
    ),
    sorts={"sent": (gettext_lazy("Sent"), ["created_at"]), "opened": (gettext_lazy("Opened"), ["opened_at"])},
    default_sort="-sent",
    rows=selectors.access_link_rows,
)


@require_GET
@require_role(MANAGERS)
def link_detail(request, tenant_slug, pk):
    found = _link_for_staff(request, pk)
    context = {"link": found, "placement": found.placement, "opens": found.opens.all()[:200]}
    return render(request, "reports/links/detail.html", context)


@never_cache
@tenant_public
def link(request, tenant_slug, token):
    """The page an emailed link opens: the one form it is for, and nothing else. The token
    never leaves for another site in a Referer header (same-origin: "no-referrer" would make
    browsers send "Origin: null" and fail the CSRF check) and the page is not indexed."""
    response = _link_page(request, token)
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _link_page(request, token):
    found = selectors.access_link_for_token(request.tenant, token)
    if found is None or found.status != "pending":
        return link_refused(request, found)
    placement = found.placement
    context = {"link": found, "placement": placement, "errors": []}
    if found.purpose == AccessLink.Purpose.FEEDBACK:
        return _feedback(request, found, context)
    return _evaluation(request, found, context)


def _feedback(request, found, context):
    report = selectors.monthly_report_for(found.placement, found.month)
    form = FeedbackForm(request.POST or None, initial={"text": report.partner_feedback if report else ""})
    if request.method == "POST":
        if form.is_valid():
            try:
                services.access_link_feedback(link=found, text=form.cleaned_data["text"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return render(request, "reports/links/done.html", context)
    else:
        services.access_link_open(
            link=found, ip_address=client_ip(request), user_agent=request.headers.get("User-Agent", "")
        )
    entries = (
        DailyReport.objects.filter(
            placement=found.placement,
            date__gte=found.month,
            date__lte=selectors.month_end(found.month),
            state=DailyReport.State.SUBMITTED,
        ).order_by("date")
        if report is not None
        else []
    )
    context.update({"report": report, "form": form, "entries": entries})
    return render(request, "reports/links/feedback.html", context)


def _evaluation(request, found, context):
    placement = found.placement
    evaluation = selectors.evaluations_of_placement(placement).get(Evaluation.Kind.PARTNER)
    if evaluation is not None and evaluation.state == Evaluation.State.SUBMITTED:
        return link_refused(request, found, reason="used")
    form = evaluation.form if evaluation else selectors.evaluation_form_for_tenant(placement.tenant)
    values = (
        {"scores": evaluation.scores, "answers": evaluation.answers, "comments": evaluation.comments}
        if evaluation
        else {}
    )
    if request.method == "POST":
        values = evaluation_values(request.POST, form)
        submit = request.POST.get("action") == "submit"
        try:
            services.access_link_evaluation(link=found, submit=submit, **values)
        except ValidationError as error:
            context["errors"] = error.messages
        else:
            if submit:
                return render(request, "reports/links/done.html", context)
            messages.success(request, _("Saved. You can come back with the same link until it expires."))
            return redirect(
                "reports:link", tenant_slug=request.tenant.slug, token=request.resolver_match.kwargs["token"]
            )
    else:
        services.access_link_open(
            link=found, ip_address=client_ip(request), user_agent=request.headers.get("User-Agent", "")
        )
    criteria, questions = selectors.form_rows(form, values.get("scores"), values.get("answers"))
    context.update(
        {
            "form": form,
            "criteria": criteria,
            "questions": questions,
            "comments": values.get("comments", ""),
            "kind_label": Evaluation.Kind.PARTNER.label,
        }
    )
    return render(request, "reports/links/evaluation.html", context)
