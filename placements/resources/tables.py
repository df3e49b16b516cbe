"""The resources of each importable table: partners, students (with memberships), placements."""

from django.conf import settings
from django.utils.translation import gettext as _
from import_export.fields import Field

from coop.models import Membership, Role, User

from ..models import Partner, Placement
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
    """Students by email address. A new address becomes an account (without a password: the
    person sets one through "forgot password" or an invitation); an account without a
    membership here gets a student membership. The account itself is shared with other
    tenants and is never changed by an import."""

    email = Field(attribute="email", column_name="email", widget=EmailWidget(required=True))
    full_name = Field(attribute="full_name", column_name="full_name", widget=TextWidget())
    language = Field(
        attribute="language",
        column_name="language",
        widget=ChoiceWidget(settings.LANGUAGES, aliases={"日本語": "ja", "英語": "en"}),
        saves_null_values=False,
    )

    clean_exclude = ("password", "last_login")
    # For the tenant, an account that joins is a new student whether or not the account existed
    # (and the counts do not tell whether an address has an account elsewhere).
    updates_count_as_new = True

    class Meta:
        model = User
        fields = ("email", "full_name", "language")
        import_id_fields = ("email",)
        use_bulk = True
        batch_size = BATCH_SIZE
        skip_diff = True
        clean_model_instances = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.new_memberships = []
        self.users = {}
        self.memberships = {}

    def get_queryset(self):
        return User.objects.all()  # accounts are global; memberships say who belongs where

    def init_instance(self, row=None):
        user = User()
        user.set_unusable_password()
        return user

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        if "email" not in self.columns:
            return
        emails = {str(value).strip().lower() for value in dataset["email"] if value}
        for chunk in chunks(sorted(emails)):
            for user in User.objects.filter(email__in=chunk):
                self.users[user.email] = user
            for membership in Membership.objects.filter(tenant=self.tenant, user__email__in=chunk).select_related(
                "user"
            ):
                self.memberships[membership.user.email] = membership

    def get_instance(self, instance_loader, row):
        return self.users.get(str(row.get("email") or "").strip().lower())

    def assign_fields(self, instance, row, **kwargs):
        # An existing account is checked against the row but left as it is.
        super().assign_fields(instance if instance.pk is None else User(), row, **kwargs)

    def duplicate_key(self, instance, row):
        return str(row.get("email") or "").strip().lower() or None

    def check_row(self, instance, row, errors, **kwargs):
        problems = {}
        membership = self.memberships.get(instance.email) if instance.pk else None
        if membership is not None and membership.role != Role.STUDENT:
            problems["email"] = _("%(email)s is already a member of this institution as %(role)s.") % {
                "email": instance.email,
                "role": membership.get_role_display(),
            }
        elif membership is not None and not membership.is_active:
            problems["email"] = _(
                "%(email)s no longer has access to this institution; an import does not give it back."
            ) % {"email": instance.email}
        if instance.pk is None and "full_name" not in errors and not str(row.get("full_name") or "").strip():
            problems["full_name"] = _("A full name is needed for a new account.")
        return problems

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or instance.pk is None:
            return False
        return instance.email in self.memberships  # already a student here: nothing to do

    def save_instance(self, instance, is_create, row, **kwargs):
        if is_create:
            self.create_instances.append(instance)
        self.new_memberships.append(instance)

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if dry_run:
            self.create_instances.clear()
            self.new_memberships.clear()
            return
        try:
            User.objects.bulk_create(self.create_instances, batch_size=batch_size)
            missing = [user for user in self.new_memberships if user.pk is None]
            if missing:  # databases that do not return ids from a bulk insert
                ids = dict(User.objects.filter(email__in=[u.email for u in missing]).values_list("email", "pk"))
                for user in missing:
                    user.pk = ids[user.email]
            Membership.objects.bulk_create(
                [Membership(tenant=self.tenant, user=user, role=Role.STUDENT) for user in self.new_memberships],
                batch_size=batch_size,
            )
        except Exception as error:  # noqa: BLE001 - reported as a file-level error, the import rolls back
            self.handle_import_error(result, error, raise_errors)
        finally:
            self.create_instances.clear()
            self.new_memberships.clear()

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
