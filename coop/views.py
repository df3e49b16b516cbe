from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from . import exports, reminders, saml, selectors, services
from .access import ADMINS, EVERY_ROLE, MANAGERS, is_operator, require_operator, require_role, tenant_public
from .downloads import file_download
from .forms import (
    AdminInvitationForm,
    DeadlineSettingsForm,
    InvitationForm,
    InvitationSignupForm,
    LanguageForm,
    MembershipRoleForm,
    ReminderChannelForm,
    TenantCreateForm,
    TenantSettingsForm,
)
from .health import health_response
from .http import run_action
from .links import link_refused
from .lists import ListSpec, field_filter, link_state_filter, list_response, search_filter
from .models import ExportJob, Invitation, Membership, Reminder, Role, Tenant, User
from .registry import EXPORT_TABLES, dashboard_panels, home_links, waiting_items


def _error_text(error):
    return " ".join(error.messages)


@login_required
def home(request):
    """After login: straight to the only tenant, or a picker when there are several."""
    memberships = selectors.memberships_for_user(request.user)
    operator = is_operator(request.user)
    links = home_links(request)  # e.g. a consortium's pages (coop.registry)
    if len(memberships) == 1 and not operator and not links:
        return redirect("coop:dashboard", tenant_slug=memberships[0].tenant.slug)
    return render(
        request, "coop/tenant_picker.html", {"memberships": memberships, "is_operator": operator, "links": links}
    )


@require_operator
def operator_tenants(request):
    """The platform operator's page: every institution; create one and invite its first
    administrator (no Django admin, no password typed for someone else)."""
    form = TenantCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tenant, invitation = services.tenant_create(
                name=form.cleaned_data["name"],
                slug=form.cleaned_data["slug"],
                kind=form.cleaned_data["kind"],
                admin_email=form.cleaned_data["admin_email"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(tenant)s was created; an invitation was sent to %(email)s.")
                % {"tenant": tenant.name, "email": invitation.email},
            )
            return redirect("coop:operator_tenants")
    return render(
        request,
        "coop/operator_tenants.html",
        {"form": form, "tenants": selectors.tenants_for_operator(), "invite_form": AdminInvitationForm()},
    )


@require_POST
@require_operator
def operator_invite_admin(request, pk):
    tenant = get_object_or_404(Tenant, pk=pk)
    form = AdminInvitationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a valid email address."))
        return redirect("coop:operator_tenants")
    return run_action(
        request,
        lambda: services.tenant_invite_admin(tenant=tenant, email=form.cleaned_data["email"], by=request.user),
        success=_("An invitation was sent to %(email)s.") % {"email": form.cleaned_data["email"]},
        redirect_to="coop:operator_tenants",
    )


@require_POST
def set_language(request):
    form = LanguageForm(request.POST)
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            services.user_set_language(user=request.user, language=language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
        )
    return response


@require_GET
def favicon(request):
    """Browsers and crawlers ask for /favicon.ico whatever the page says: send them to the icon."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


@require_GET
def healthz(request):
    """Answered by coop.health.HealthCheckMiddleware; here too for a stack without it."""
    return health_response()


@require_role(EVERY_ROLE)
def dashboard(request, tenant_slug):
    role = request.membership.role
    context = {"role": role, "waiting": waiting_items(request), "panels": dashboard_panels(request)}
    if role in MANAGERS:
        counts = selectors.member_counts_for_tenant(request.tenant)
        context["member_stats"] = [(label, counts.get(code, 0)) for code, label in Role.choices]
        context["pending_invitations"] = selectors.pending_invitation_count(request.tenant)
    return render(request, "coop/dashboard.html", context)


@require_role(EVERY_ROLE)
def help_page(request, tenant_slug):
    return render(request, "coop/help.html")


MEMBER_LIST = ListSpec(
    template="coop/members.html",
    search=search_filter(
        lambda q: Q(user__in=User.objects.filter(Q(full_name__icontains=q) | Q(email__icontains=q)).values("pk")),
        "name_kana",
        "student_number",
    ),
    filters=(
        field_filter("role", gettext_lazy("Role"), "role", lambda request: Role.choices),
        field_filter(
            "active",
            gettext_lazy("Status"),
            "is_active",
            lambda request: [("1", gettext_lazy("Active")), ("0", gettext_lazy("No access"))],
        ),
    ),
    sorts={
        "name": (gettext_lazy("Name"), ["user__full_name"]),
        "kana": (gettext_lazy("full name (kana)"), ["name_kana"]),
        "email": (gettext_lazy("Email address"), ["user__email"]),
        "number": (gettext_lazy("student number"), ["student_number"]),
        "role": (gettext_lazy("Role"), ["role", "user__email"]),
        "joined": (gettext_lazy("joined"), ["created_at"]),
    },
    default_sort="role",
    rows=lambda page: page.select_related("user"),
    export=selectors.MEMBERS_TABLE,
)


@require_role(MANAGERS)
def members(request, tenant_slug):
    """Paged and searchable by name, kana, email and student number (25,000 students)."""
    queryset = selectors.members_for_tenant(request.tenant)
    context = {
        "roles": Role.choices,
        "search_hint": _("Name, kana, email or student number"),
        # People who signed in through the institution's identity provider and wait (coop.saml).
        # (a lazy queryset: an export or an htmx page of results does not read it)
        "membership_requests": saml.membership_requests_pending(request.tenant)[:50],
        "request_roles": [
            (Role.STUDENT, Role.STUDENT.label),
            (Role.FACULTY, Role.FACULTY.label),
            (Role.STAFF, Role.STAFF.label),
        ],
    }
    return list_response(request, queryset, MEMBER_LIST, context)


@require_POST
@require_role(ADMINS)
def member_update(request, tenant_slug, pk):
    membership = get_object_or_404(Membership, pk=pk)
    action = request.POST.get("action")
    try:
        if action == "deactivate":
            services.membership_deactivate(membership=membership, by=request.user)
            messages.success(request, _("%(name)s no longer has access.") % {"name": membership.user})
        elif action == "activate":
            services.membership_activate(membership=membership, by=request.user)
            messages.success(request, _("%(name)s has access again.") % {"name": membership.user})
        else:
            form = MembershipRoleForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Choose a valid role."))
            services.membership_set_role(membership=membership, role=form.cleaned_data["role"], by=request.user)
            messages.success(request, _("The role of %(name)s was changed.") % {"name": membership.user})
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect("coop:members", tenant_slug=tenant_slug)


@require_role(MANAGERS)
def invitations(request, tenant_slug):
    form = InvitationForm(request.POST or None, inviter_role=request.membership.role)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _token = services.invitation_create(
                tenant=request.tenant,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(request, _("An invitation was sent to %(email)s.") % {"email": invitation.email})
            return redirect("coop:invitations", tenant_slug=tenant_slug)
    context = {"form": form, "valid_days": settings.INVITATION_VALID_DAYS, "search_hint": _("Email address")}
    return list_response(request, selectors.invitations_for_tenant(request.tenant), INVITATION_LIST, context)


INVITATION_LIST = ListSpec(
    template="coop/invitations.html",
    search=search_filter("email"),
    filters=(
        field_filter("role", gettext_lazy("Role"), "role", lambda request: Role.choices),
        link_state_filter(Invitation),
    ),
    sorts={
        "email": (gettext_lazy("Email address"), ["email"]),
        "role": (gettext_lazy("Role"), ["role"]),
        "sent": (gettext_lazy("Sent"), ["created_at"]),
    },
    default_sort="-sent",
    rows=lambda page: page.select_related("invited_by", "accepted_by"),
)


@require_POST
@require_role(MANAGERS)
def invitation_revoke(request, tenant_slug, pk):
    invitation = get_object_or_404(Invitation, pk=pk)
    try:
        services.invitation_revoke(invitation=invitation, by=request.user)
        messages.success(request, _("The invitation to %(email)s was revoked.") % {"email": invitation.email})
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect("coop:invitations", tenant_slug=tenant_slug)


@tenant_public
def invitation_accept(request, tenant_slug, token):
    """The emailed link. Signed-in with the invited address: join. No account yet: create one."""
    invitation = selectors.invitation_for_token(request.tenant, token)
    if invitation is None or invitation.status != "pending":
        return link_refused(request, invitation, sign_in=True)
    context = {"invitation": invitation, "tenant": request.tenant}

    existing = User.objects.filter(email__iexact=invitation.email).first()
    if request.user.is_authenticated:
        if request.user.email.lower() != invitation.email.lower():
            return render(request, "coop/invitation_wrong_user.html", context, status=403)
        if request.method == "POST":
            try:
                services.invitation_accept(invitation=invitation, user=request.user)
            except ValidationError as error:
                messages.error(request, _error_text(error))
                return redirect("coop:home")
            messages.success(request, _("Welcome to %(tenant)s.") % {"tenant": request.tenant})
            return redirect("coop:dashboard", tenant_slug=tenant_slug)
        return render(request, "coop/invitation_accept.html", context)

    if existing is not None:
        context["login_url"] = reverse("account_login") + "?next=" + request.path
        return render(request, "coop/invitation_login_first.html", context)

    form = InvitationSignupForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create_from_invitation(
                invitation=invitation, full_name=form.cleaned_data["full_name"], password=form.cleaned_data["password1"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to %(tenant)s.") % {"tenant": request.tenant})
            return redirect("coop:dashboard", tenant_slug=tenant_slug)
    context["form"] = form
    return render(request, "coop/invitation_signup.html", context)


@require_role(ADMINS)
def tenant_settings(request, tenant_slug):
    form = TenantSettingsForm(request.POST or None, instance=request.tenant)
    if request.method == "POST" and form.is_valid():
        try:
            services.tenant_update(
                tenant=request.tenant,
                name=form.cleaned_data["name"],
                language=form.cleaned_data["language"],
                timezone_name=form.cleaned_data["timezone"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("coop:tenant_settings", tenant_slug=tenant_slug)
    return render(request, "coop/tenant_settings.html", {"form": form})


@require_role(EVERY_ROLE)
def reminder_list(request, tenant_slug):
    form = ReminderChannelForm(request.POST or None, initial={"reminder_channel": request.user.reminder_channel})
    if request.method == "POST" and form.is_valid():
        reminders.user_set_reminder_channel(user=request.user, channel=form.cleaned_data["reminder_channel"])
        messages.success(request, _("Your reminder settings were saved."))
        return redirect("coop:reminders", tenant_slug=tenant_slug)
    token = reminders.calendar_token_for(request.user)
    return render(
        request,
        "coop/reminders.html",
        {
            "reminders": selectors.reminders_for_user(request.tenant, request.user)[:200],
            "form": form,
            "calendar_url": settings.SITE_URL + reverse("coop:calendar_feed", kwargs={"token": token}),
        },
    )


@require_POST
@require_role(EVERY_ROLE)
def reminder_read(request, tenant_slug, pk):
    reminder = get_object_or_404(Reminder, pk=pk, user=request.user)
    reminders.reminder_mark_read(reminder=reminder, user=request.user)
    if reminder.url and url_has_allowed_host_and_scheme(reminder.url, {request.get_host()}):
        return redirect(reminder.url)
    return redirect("coop:reminders", tenant_slug=tenant_slug)


@require_POST
@require_role(EVERY_ROLE)
def calendar_reset(request, tenant_slug):
    reminders.calendar_token_reset(user=request.user)
    messages.success(request, _("Your calendar address was changed; the old one no longer works."))
    return redirect("coop:reminders", tenant_slug=tenant_slug)


@require_GET
def calendar_feed(request, token):
    """The person's deadlines as an iCalendar feed; the unguessable address is the key."""
    found = selectors.calendar_reminders_for_token(token)
    if found is None:
        raise Http404
    user = User.objects.get(calendar_token=token)
    response = HttpResponse(reminders.calendar_ics(user, found), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="deadlines.ics"'
    return response


@require_role(ADMINS)
def deadline_settings(request, tenant_slug):
    instance = reminders.deadline_settings_for(request.tenant)
    form = DeadlineSettingsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        reminders.deadline_settings_save(tenant=request.tenant, values=form.cleaned_data)
        messages.success(request, _("Settings saved."))
        return redirect("coop:deadline_settings", tenant_slug=tenant_slug)
    return render(request, "coop/deadline_settings.html", {"form": form})


# --- Exports -----------------------------------------------------------------------------------


def _export_table(table):
    found = EXPORT_TABLES.get(table)
    if found is None:
        raise Http404
    return found


@require_role(MANAGERS)
def export_list(request, tenant_slug):
    """The tables to export, and this person's exports (newest first, paged)."""
    jobs = ExportJob.objects.filter(tenant=request.tenant, user=request.user)
    return list_response(request, jobs, EXPORT_JOB_LIST, {"tables": EXPORT_TABLES.values()})


EXPORT_JOB_LIST = ListSpec(
    template="coop/exports.html",
    filters=(
        field_filter("state", gettext_lazy("State"), "state", lambda request: ExportJob.State.choices),
        field_filter(
            "table", gettext_lazy("Table"), "table", lambda request: [(t.code, t.label) for t in EXPORT_TABLES.values()]
        ),
    ),
    sorts={"created": (gettext_lazy("created"), ["created_at"])},
    default_sort="-created",
)


@require_role(MANAGERS)
def export_download(request, tenant_slug, table, fmt):
    """A streamed download, for tables small enough to wait for (CSV streams at any size)."""
    found = _export_table(table)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    rows = found.rows(found.model.objects.filter(tenant=request.tenant).order_by("pk"))
    export = exports.csv_export if fmt == "csv" else exports.xlsx_export
    return export(
        request, name=f"{table}-{request.tenant.slug}", header=found.header(), rows=rows, what=f"export:{table}"
    )


@require_POST
@require_role(MANAGERS)
def export_start(request, tenant_slug, table, fmt):
    _export_table(table)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    job = exports.export_job_start(tenant=request.tenant, user=request.user, table=table, fmt=fmt)
    return redirect("coop:export_job", tenant_slug=tenant_slug, pk=job.pk)


@require_role(MANAGERS)
def export_job(request, tenant_slug, pk):
    job = get_object_or_404(ExportJob, pk=pk, user=request.user)
    template = "coop/_export_progress.html" if request.htmx else "coop/export_job.html"
    return render(request, template, {"job": job})


@require_role(MANAGERS)
def export_job_file(request, tenant_slug, pk):
    job = get_object_or_404(ExportJob, pk=pk, user=request.user, state=ExportJob.State.DONE)

    return file_download(
        request,
        job.file,
        filename=job.file.name.rsplit("/", 1)[-1],
        what=f"export:{job.table}",
        as_attachment=True,
        rows=job.rows_done,
    )
