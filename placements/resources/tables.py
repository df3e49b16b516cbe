"""The resources of each importable table: partners, students (with memberships), placements."""

from django.conf import settings
from django.utils.translation import gettext as _
from import_export.fields import Field

from coop.models import Membership, Role, User
from coop.selectors import invitations_for_tenant
from coop.services import invitations_create_many

from ..models import Partner, PartnerContact, Placement
from ..selectors.agreements import work_period_agreement
from .base import TenantResource
from .cells import (
    BATCH_SIZE,
    DIRECTION_WORDS,
    PARTNER_KIND_WORDS,
    SCHEDULE_WORDS,
    STATE_WORDS,
    ChoiceWidget,
    DateWidget,
    EmailWidget,
    MemberWidget,
    PartnerWidget,
    TextWidget,
    ThemeWidget,
    WebsiteWidget,
    WeekdaysWidget,
    chunks,
)


class PartnerResource(TenantResource):
    """Partners by name: an existing partner of this tenant with that name is updated."""

    name = Field(attribute="name", column_name="name", widget=TextWidget(required=True))
    name_kana = Field(attribute="name_kana", column_name="name_kana", widget=TextWidget())
    kind = Field(
        attribute="kind",
        column_name="kind",
        widget=ChoiceWidget(Partner.Kind.choices, aliases=PARTNER_KIND_WORDS),
        saves_null_values=False,
    )
    industry = Field(attribute="industry", column_name="industry", widget=TextWidget())
    country = Field(
        attribute="country", column_name="country", widget=TextWidget(keep_when_blank=True), saves_null_values=False
    )
    address = Field(attribute="address", column_name="address", widget=TextWidget())
    website = Field(attribute="website", column_name="website", widget=WebsiteWidget())
    phone = Field(attribute="phone", column_name="phone", widget=TextWidget(phone=True))
    notes = Field(attribute="notes", column_name="notes", widget=TextWidget())

    class Meta:
        model = Partner
        fields = ("name", "name_kana", "kind", "industry", "country", "address", "website", "phone", "notes")
        import_id_fields = ("name",)
        use_bulk = True
        batch_size = BATCH_SIZE
        skip_diff = True
        clean_model_instances = True

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.existing = {}
        if "name" in self.columns:
            names = {str(value).strip() for value in dataset["name"] if value}
            for chunk in chunks(sorted(names)):
                for partner in self.get_queryset().filter(name__in=chunk):
                    self.existing[partner.name] = partner

    def get_instance(self, instance_loader, row):
        return self.existing.get(str(row.get("name") or "").strip())

    def duplicate_key(self, instance, row):
        return instance.name or None


class StudentResource(TenantResource):
    """Students by email address, as invitations: nobody joins this institution through an
    import. Each address that is not a student here yet is sent an invitation (role student);
    the person joins when they accept it, setting up an account if they have none. An import
    never reads or changes accounts, which belong to their people and may be members of other
    institutions: the preview says nothing about whether an address has one, or what another
    institution holds. The row is checked on a throwaway User; nothing of it is saved."""

    email = Field(attribute="email", column_name="email", widget=EmailWidget(required=True))
    language = Field(
        attribute="language",
        column_name="language",
        widget=ChoiceWidget(settings.LANGUAGES, aliases={"日本語": "ja", "英語": "en"}),
        saves_null_values=False,
    )

    clean_exclude = ("password", "last_login")

    class Meta:
        model = User
        fields = ("email", "language")
        import_id_fields = ("email",)
        use_bulk = True
        batch_size = BATCH_SIZE
        skip_diff = True
        clean_model_instances = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.invites = []
        self.memberships = {}
        self.invitations = {}  # email -> the pending invitation to this tenant

    def get_queryset(self):
        return User.objects.none()  # accounts are not this tenant's to look up

    def init_instance(self, row=None):
        return User()

    def get_instance(self, instance_loader, row):
        return None

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        if "email" not in self.columns:
            return
        emails = {str(value).strip().lower() for value in dataset["email"] if value}
        for chunk in chunks(sorted(emails)):
            for membership in Membership.objects.filter(tenant=self.tenant, user__email__in=chunk).select_related(
                "user"
            ):
                self.memberships[membership.user.email] = membership
            for invitation in invitations_for_tenant(self.tenant, pending_only=True).filter(email__in=chunk):
                self.invitations[invitation.email] = invitation

    def duplicate_key(self, instance, row):
        return str(row.get("email") or "").strip().lower() or None

    def check_row(self, instance, row, errors, **kwargs):
        problems = {}
        membership = self.memberships.get(instance.email)
        invitation = self.invitations.get(instance.email)
        if membership is not None and membership.role != Role.STUDENT:
            problems["email"] = _("%(email)s is already a member of this institution as %(role)s.") % {
                "email": instance.email,
                "role": membership.get_role_display(),
            }
        elif membership is not None and not membership.is_active:
            problems["email"] = _(
                "%(email)s no longer has access to this institution; an import does not give it back."
            ) % {"email": instance.email}
        elif membership is None and invitation is not None and invitation.role != Role.STUDENT:
            problems["email"] = _("%(email)s already has a pending invitation as %(role)s.") % {
                "email": instance.email,
                "role": invitation.get_role_display(),
            }
        return problems

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """Already a student here, or already invited as one: nothing to send."""
        if import_validation_errors:
            return False
        return instance.email in self.memberships or instance.email in self.invitations

    def save_instance(self, instance, is_create, row, **kwargs):
        self.invites.append((instance.email, instance.language))

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        try:
            if not dry_run:
                invitations_create_many(tenant=self.tenant, people=self.invites, role=Role.STUDENT, by=self.by)
        except Exception as error:  # noqa: BLE001 - reported as a file-level error, the import rolls back
            self.handle_import_error(result, error, raise_errors)
        finally:
            self.create_instances.clear()
            self.invites.clear()

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        self.update_instances.clear()


class PlacementResource(TenantResource):
    """Placements. A row matching an existing placement of the same student, theme and start
    date updates it; otherwise a placement is created."""

    student = Field(attribute="student", column_name="student_email")
    partner = Field(attribute="partner", column_name="partner")
    theme = Field(attribute="theme", column_name="theme")
    faculty_supervisor = Field(attribute="faculty_supervisor", column_name="faculty_email")
    starts_on = Field(attribute="starts_on", column_name="starts_on", widget=DateWidget(required=True))
    ends_on = Field(attribute="ends_on", column_name="ends_on", widget=DateWidget(required=True))
    schedule = Field(
        attribute="schedule",
        column_name="schedule",
        widget=ChoiceWidget(Placement.Schedule.choices, aliases=SCHEDULE_WORDS),
        saves_null_values=False,
    )
    weekdays = Field(attribute="weekdays", column_name="weekdays", widget=WeekdaysWidget())
    pay = Field(attribute="pay", column_name="pay", widget=TextWidget())
    direction = Field(
        attribute="direction",
        column_name="direction",
        widget=ChoiceWidget(Placement.Direction.choices, aliases=DIRECTION_WORDS),
        saves_null_values=False,
    )
    state = Field(
        attribute="state",
        column_name="state",
        widget=ChoiceWidget(Placement.State.choices, aliases=STATE_WORDS),
        saves_null_values=False,
    )

    clean_exclude = ("tenant", "student", "partner", "theme", "faculty_supervisor", "application", "practitioner")

    class Meta:
        model = Placement
        fields = (
            "student",
            "partner",
            "theme",
            "faculty_supervisor",
            "starts_on",
            "ends_on",
            "schedule",
            "weekdays",
            "pay",
            "direction",
            "state",
        )
        import_id_fields = ("student", "theme", "starts_on")
        use_bulk = True
        batch_size = BATCH_SIZE
        skip_diff = True
        clean_model_instances = True

    def __init__(self, *, tenant, by=None):
        super().__init__(tenant=tenant, by=by)
        self.fields["student"].widget = MemberWidget(tenant=tenant, role=Role.STUDENT, required=True)
        self.fields["faculty_supervisor"].widget = MemberWidget(tenant=tenant, role=Role.FACULTY)
        self.fields["partner"].widget = PartnerWidget(tenant=tenant)
        self.fields["theme"].widget = ThemeWidget(tenant=tenant)
        self.existing = {}
        self.work_periods = {}  # theme id -> the agreement that sets its work period, or None

    def _key(self, row):
        try:
            student = self.fields["student"].clean(row)
            theme = self.fields["theme"].clean(row)
            starts_on = self.fields["starts_on"].clean(row)
        except (ValueError, KeyError):
            return None
        if student is None or theme is None or starts_on is None:
            return None
        return (student.pk, theme.pk, starts_on)

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        students = [user.pk for user in self.fields["student"].widget.cache.values()]
        themes = [theme.pk for titles in self.fields["theme"].widget.by_title.values() for theme in titles]
        if not students or not themes:
            return
        for chunk in chunks(students):
            for placement in self.get_queryset().filter(student_id__in=chunk, theme_id__in=themes):
                self.existing[(placement.student_id, placement.theme_id, placement.starts_on)] = placement

    def get_instance(self, instance_loader, row):
        key = self._key(row)
        return self.existing.get(key) if key else None

    def duplicate_key(self, instance, row):
        if instance.student_id and instance.theme_id and instance.starts_on:
            return (instance.student_id, instance.theme_id, instance.starts_on)
        return None

    def check_row(self, instance, row, errors, **kwargs):
        problems = {}
        if instance.theme_id is not None and not {"starts_on", "ends_on", "theme"} & set(errors):
            if instance.theme_id not in self.work_periods:
                self.work_periods[instance.theme_id] = work_period_agreement(instance.theme)
            problems.update(instance.period_errors(self.work_periods[instance.theme_id]))
        if "schedule" in errors or "weekdays" in errors:
            return problems
        schedule_given = bool(str(row.get("schedule") or "").strip())
        if instance.weekdays:
            if not schedule_given and instance.schedule == Placement.Schedule.FULL_TIME:
                instance.schedule = Placement.Schedule.WEEKLY_DAYS  # days given: a weekly schedule
            elif instance.schedule == Placement.Schedule.FULL_TIME:
                problems["weekdays"] = _("Working days go with the schedule “weekly_days”; leave them empty.")
        elif instance.schedule == Placement.Schedule.FULL_TIME:
            instance.weekdays = ""
        return problems


class ContactResource(TenantResource):
    """People at partners (企業担当者), by partner and email address (or full name when there is
    no address): an existing contact of that partner is updated. Each new contact with an
    address who has no portal access here is sent an invitation with the partner role; the
    account is linked to the contact when they accept (placements.services.partners.
    contact_link_user). A partner person of this institution with that address is linked at once."""

    partner = Field(attribute="partner", column_name="partner")
    full_name = Field(attribute="full_name", column_name="full_name", widget=TextWidget(required=True))
    title = Field(attribute="title", column_name="title", widget=TextWidget())
    email = Field(attribute="email", column_name="email", widget=EmailWidget())
    phone = Field(attribute="phone", column_name="phone", widget=TextWidget(phone=True))
    notes = Field(attribute="notes", column_name="notes", widget=TextWidget())

    clean_exclude = ("tenant", "partner", "department", "user")

    class Meta:
        model = PartnerContact
        fields = ("partner", "full_name", "title", "email", "phone", "notes")
        import_id_fields = ("partner",)  # with the email or full name: see get_instance()
        use_bulk = True
        batch_size = BATCH_SIZE
        skip_diff = True
        clean_model_instances = True

    def __init__(self, *, tenant, by=None):
        super().__init__(tenant=tenant, by=by)
        self.fields["partner"].widget = PartnerWidget(tenant=tenant)
        self.existing = {}
        self.members = {}  # email -> active membership here
        self.invited = set()  # emails with a pending invitation here
        self.invites = []

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        partners = [partner.pk for partner in self.fields["partner"].widget.cache.values() if partner]
        for chunk in chunks(partners):
            for contact in self.get_queryset().filter(partner_id__in=chunk):
                self.existing[self._key(contact.partner_id, contact.email, contact.full_name)] = contact
        if "email" not in self.columns:
            return
        emails = {str(value).strip().lower() for value in dataset["email"] if value}
        for chunk in chunks(sorted(emails)):
            members = Membership.objects.filter(tenant=self.tenant, user__email__in=chunk, is_active=True)
            for membership in members.select_related("user"):
                self.members[membership.user.email] = membership
            pending = invitations_for_tenant(self.tenant, pending_only=True).filter(email__in=chunk)
            self.invited.update(pending.values_list("email", flat=True))

    @staticmethod
    def _key(partner_id, email, full_name):
        email = (email or "").strip().lower()
        return (partner_id, "email", email) if email else (partner_id, "name", (full_name or "").strip())

    def get_instance(self, instance_loader, row):
        try:
            partner = self.fields["partner"].clean(row)
        except (ValueError, KeyError):
            return None
        if partner is None:
            return None
        return self.existing.get(self._key(partner.pk, row.get("email"), row.get("full_name")))

    def duplicate_key(self, instance, row):
        if instance.partner_id is None:
            return None
        return self._key(instance.partner_id, instance.email, instance.full_name)

    def save_instance(self, instance, is_create, row, **kwargs):
        email = (instance.email or "").lower()
        membership = self.members.get(email)
        if instance.user_id is None and membership is not None and membership.role == Role.PARTNER:
            instance.user = membership.user  # already a partner person here: linked at once
            if not is_create:
                instance._import_changed = {*getattr(instance, "_import_changed", ()), "user"}
        elif instance.user_id is None and email and membership is None and email not in self.invited:
            self.invites.append((email, ""))
            self.invited.add(email)
        super().save_instance(instance, is_create, row, **kwargs)

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        super().bulk_create(using_transactions, dry_run, raise_errors, batch_size=batch_size, result=result)
        try:
            if not dry_run:
                invitations_create_many(tenant=self.tenant, people=self.invites, role=Role.PARTNER, by=self.by)
        except Exception as error:  # noqa: BLE001 - reported as a file-level error, the import rolls back
            self.handle_import_error(result, error, raise_errors)
        finally:
            self.invites.clear()
