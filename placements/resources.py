"""django-import-export resources for the staff imports: partners, students, placements.

Each resource is built for one tenant (`Resource(tenant=..., by=...)`) and never looks outside it:
foreign keys are looked up through `TenantForeignKeyWidget`, whose queryset is filtered on the
tenant, and preloaded once per file (one query per 500 distinct values) instead of once per row.
Another tenant's partner, theme or member is simply "not found".

Rules shared by every text cell (`clean_text`): surrounding whitespace is dropped, and a value that
a spreadsheet would run as a formula (starting with = + - @, tab or CR) is a row error, except a
phone number written as +81-76-...; values are otherwise stored exactly as written, so ①, ㈱ and
～ survive.

Writes are bulk (`use_bulk`, `skip_diff`) and skipped altogether in a dry run: the preview only
validates. Row numbers in errors are spreadsheet lines (the header is line 1).
"""

import datetime
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import resources
from import_export.fields import Field
from import_export.results import RowResult
from import_export.widgets import ForeignKeyWidget, Widget

from coop.models import Membership, Role, User

from .models import Partner, Placement, Theme

LOOKUP_CHUNK = 500
BATCH_SIZE = 1000
# Django's bulk_update() writes one CASE per field whose cost grows with the batch: smaller is faster.
UPDATE_BATCH_SIZE = 200
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PHONE = re.compile(r"^\+\d[\d\s().-]*$")
DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]00:00(?::00)?)?$")
WEEKDAY_SPLIT = re.compile(r"[\s,、，/・]+")
WEEKDAY_NAMES = {
    **{name: n for n, name in enumerate("月火水木金土日")},
    **{name + "曜": n for n, name in enumerate("月火水木金土日")},
    **{name + "曜日": n for n, name in enumerate("月火水木金土日")},
    **{name: n for n, name in enumerate(["mon", "tue", "wed", "thu", "fri", "sat", "sun"])},
    **{
        name: n for n, name in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])
    },
}

# Words Japanese offices write for the choices, whatever the translation catalogue says.
PARTNER_KIND_WORDS = {
    "企業": "company",
    "会社": "company",
    "民間企業": "company",
    "大学": "university",
    "学校": "university",
    "大学・学校": "university",
    "教育機関": "university",
    "自治体": "municipality",
    "地方自治体": "municipality",
    "地方公共団体": "municipality",
    "市町村": "municipality",
    "NPO法人": "npo",
    "特定非営利活動法人": "npo",
}
SCHEDULE_WORDS = {"フルタイム": "full_time", "全日": "full_time", "曜日指定": "weekly_days", "週日": "weekly_days"}
DIRECTION_WORDS = {"派遣": "outbound", "送出": "outbound", "受入": "inbound", "受け入れ": "inbound"}
STATE_WORDS = {
    "予定": "planned",
    "実施中": "active",
    "就業中": "active",
    "中断": "suspended",
    "修了": "completed",
    "完了": "completed",
    "中止": "terminated",
}


def normalize_key(text):
    """For matching headers and choice labels: width-folded, case-folded, spaces as underscores."""
    return re.sub(r"[\s_]+", "_", unicodedata.normalize("NFKC", str(text)).strip().casefold())


def chunks(values, size=LOOKUP_CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def clean_text(value, *, required=False, phone=False):
    """A cell as stored text: stripped, required if asked, never formula-like."""
    text = "" if value is None else str(value).strip()
    if not text:
        if required:
            raise ValueError(_("This column is required."))
        return ""
    if text.startswith(FORMULA_STARTS) and not (phone and PHONE.match(text)):
        raise ValueError(
            _(
                "“%(value)s” starts with “%(char)s”, which a spreadsheet would run as a formula. "
                "Remove that character and upload the file again."
            )
            % {"value": text[:60], "char": text[0]}
        )
    return text


# --- Widgets ------------------------------------------------------------------------------


class TextWidget(Widget):
    """Plain text. `keep_when_blank`: a blank cell leaves the current value (or the model default)."""

    def __init__(self, *, required=False, phone=False, keep_when_blank=False):
        super().__init__()
        self.required = required
        self.phone = phone
        self.keep_when_blank = keep_when_blank

    def clean(self, value, row=None, **kwargs):
        text = clean_text(value, required=self.required, phone=self.phone)
        if not text and self.keep_when_blank:
            return None
        return text


class EmailWidget(TextWidget):
    def clean(self, value, row=None, **kwargs):
        return super().clean(value, row, **kwargs).lower()


class WebsiteWidget(TextWidget):
    """A bare host name such as www.example.jp is taken as https://www.example.jp."""

    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row, **kwargs)
        if text and "://" not in text and re.match(r"^[\w.-]+\.[a-z]{2,}(/.*)?$", text, re.IGNORECASE):
            text = "https://" + text
        return text


class ChoiceWidget(Widget):
    """A choice given as its code (`company`), its label in any language (Company), or one of
    the usual Japanese words for it (`aliases`: {word: code}, 企業 → company)."""

    def __init__(self, choices, *, aliases=None, required=False):
        super().__init__()
        self.choices = list(choices)
        self.aliases = aliases or {}
        self.required = required
        self._lookup = None

    def lookup(self):
        if self._lookup is None:
            lookup = {normalize_key(word): code for word, code in self.aliases.items()}
            for code, label in self.choices:
                lookup[normalize_key(code)] = code
                for language, _name in settings.LANGUAGES:
                    with translation.override(language):
                        lookup.setdefault(normalize_key(label), code)
            self._lookup = lookup
        return self._lookup

    def clean(self, value, row=None, **kwargs):
        text = clean_text(value, required=self.required)
        if not text:
            return None
        try:
            return self.lookup()[normalize_key(text)]
        except KeyError:
            allowed = ", ".join(f"{code} ({label})" for code, label in self.choices)
            raise ValueError(
                _("Unknown value “%(value)s”. Use one of: %(choices)s.") % {"value": text[:60], "choices": allowed}
            ) from None

    def render(self, value, obj=None, **kwargs):
        return value or ""


class DateWidget(Widget):
    """2026-04-01, 2026/4/1 or 2026年4月1日 (XLSX date cells arrive as 2026-04-01)."""

    def __init__(self, *, required=False):
        super().__init__()
        self.required = required

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.date):
            return value
        text = clean_text(value, required=self.required)
        if not text:
            return None
        match = DATE.match(unicodedata.normalize("NFKC", text))
        try:
            if not match:
                raise ValueError
            return datetime.date(*(int(part) for part in match.groups()))
        except ValueError:
            raise ValueError(
                _("“%(value)s” is not a date. Write dates like 2026-04-01.") % {"value": text[:60]}
            ) from None

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class WeekdaysWidget(Widget):
    """Working days as numbers (0 = Monday … 6 = Sunday, "0,2") or names (月,水 / Mon, Wed)."""

    def clean(self, value, row=None, **kwargs):
        text = clean_text(value)
        if not text:
            return ""
        days = set()
        for token in WEEKDAY_SPLIT.split(unicodedata.normalize("NFKC", text).casefold()):
            if not token:
                continue
            if token.isdigit() and int(token) <= 6:
                days.add(int(token))
            elif token in WEEKDAY_NAMES:
                days.add(WEEKDAY_NAMES[token])
            else:
                raise ValueError(
                    _(
                        "“%(value)s” is not a list of working days. "
                        "Use numbers from 0 (Monday) to 6 (Sunday) separated by commas, e.g. 0,2."
                    )
                    % {"value": text[:60]}
                )
        return ",".join(str(day) for day in sorted(days))


class TenantForeignKeyWidget(ForeignKeyWidget):
    """A ForeignKeyWidget that only ever looks inside one tenant, and preloads its values.

    `queryset` (optional) narrows the rows further and must itself stay inside the tenant
    (for a model without a `tenant` column, such as User, it carries the tenant condition).
    """

    def __init__(self, model, field, *, tenant, queryset=None, required=False):
        super().__init__(model, field)
        self.tenant = tenant
        self.queryset = queryset
        self.required = required
        self.cache = {}
        self.prefetched = False

    def get_queryset(self, value=None, row=None, *args, **kwargs):
        if self.queryset is not None:
            return self.queryset
        return self.model.objects.filter(tenant=self.tenant)

    def normalize(self, text):
        return text

    def prefetch(self, values):
        keys = {self.normalize(text) for text in values if text}
        for chunk in chunks(sorted(keys)):
            for obj in self.get_queryset().filter(**{f"{self.field}__in": chunk}):
                self.cache[getattr(obj, self.field)] = obj
        self.prefetched = True

    def not_found(self, text, row):
        return _("“%(value)s” was not found in this institution.") % {"value": text[:80]}

    def clean(self, value, row=None, **kwargs):
        text = clean_text(value, required=self.required)
        if not text:
            return None
        key = self.normalize(text)
        if key not in self.cache and not self.prefetched:
            self.cache[key] = self.get_queryset().filter(**{self.field: key}).first()
        obj = self.cache.get(key)
        if obj is None:
            raise ValueError(self.not_found(text, row))
        return obj


class PartnerWidget(TenantForeignKeyWidget):
    def __init__(self, *, tenant, required=True):
        super().__init__(Partner, "name", tenant=tenant, required=required)

    def not_found(self, text, row):
        return _("There is no partner called “%(value)s” in this institution.") % {"value": text[:80]}


class MemberWidget(TenantForeignKeyWidget):
    """A user by email address, who must be an active member of the tenant with `role`."""

    def __init__(self, *, tenant, role, required=False):
        queryset = User.objects.filter(memberships__tenant=tenant, memberships__role=role, memberships__is_active=True)
        super().__init__(User, "email", tenant=tenant, queryset=queryset, required=required)
        self.role = role
        self.other_roles = {}

    def normalize(self, text):
        return text.lower()

    def prefetch(self, values):
        super().prefetch(values)
        keys = {self.normalize(text) for text in values if text}
        for chunk in chunks(sorted(keys)):
            memberships = Membership.objects.filter(tenant=self.tenant, user__email__in=chunk)
            for email, role, active in memberships.values_list("user__email", "role", "is_active"):
                self.other_roles[email] = (role, active)

    def not_found(self, text, row):
        labels = dict(Role.choices)
        found = self.other_roles.get(self.normalize(text))
        if found and found[0] != self.role:
            return _("%(email)s is a member of this institution, but as %(role)s, not as %(expected)s.") % {
                "email": text[:80],
                "role": labels[found[0]],
                "expected": labels[self.role],
            }
        if found:
            return _("%(email)s no longer has access to this institution.") % {"email": text[:80]}
        return _("There is no %(expected)s with the email address %(email)s in this institution.") % {
            "email": text[:80],
            "expected": labels[self.role],
        }


class ThemeWidget(TenantForeignKeyWidget):
    """A theme by title, at the partner named in the row's `partner` column."""

    def __init__(self, *, tenant, partner_column="partner", required=True):
        super().__init__(Theme, "title", tenant=tenant, required=required)
        self.partner_column = partner_column
        self.by_title = defaultdict(list)

    def prefetch(self, values):
        titles = {text for text in values if text}
        for chunk in chunks(sorted(titles)):
            for theme in self.get_queryset().filter(title__in=chunk).select_related("partner"):
                self.by_title[theme.title].append(theme)
        self.prefetched = True

    def clean(self, value, row=None, **kwargs):
        title = clean_text(value, required=self.required)
        if not title:
            return None
        if not self.prefetched:
            self.prefetch([title])
        partner_name = str((row or {}).get(self.partner_column) or "").strip()
        candidates = self.by_title.get(title, [])
        matching = [theme for theme in candidates if theme.partner.name == partner_name]
        if len(matching) == 1:
            return matching[0]
        if len(matching) > 1:
            raise ValueError(
                _("Several themes of “%(partner)s” are called “%(title)s”: give them different titles first.")
                % {"partner": partner_name[:80], "title": title[:80]}
            )
        if candidates:
            raise ValueError(
                _("The theme “%(title)s” belongs to %(partners)s, not to “%(partner)s”.")
                % {
                    "title": title[:80],
                    "partners": ", ".join(sorted({f"“{theme.partner.name}”" for theme in candidates})),
                    "partner": partner_name[:80],
                }
            )
        raise ValueError(_("There is no theme called “%(value)s” in this institution.") % {"value": title[:80]})


# --- Resources ----------------------------------------------------------------------------


class TenantResource(resources.ModelResource):
    """Base for the tenant imports. Subclasses declare their fields and may add `check_row()`."""

    # True where an "update" of the import-export row is a new thing for the tenant (a membership).
    updates_count_as_new = False
    # Model fields that full_clean() must not check: foreign keys (looked up above, in the tenant;
    # Django would run one query per key and row) and fields the import does not set.
    clean_exclude = ("tenant",)

    def __init__(self, *, tenant, by=None):
        super().__init__()
        self.tenant = tenant
        self.by = by
        self.line_numbers = []
        self.columns = set()
        self.seen = {}

    # Where the rows come from and go.

    def get_queryset(self):
        return self._meta.model.objects.filter(tenant=self.tenant)

    def init_instance(self, row=None):
        return self._meta.model(tenant=self.tenant)

    def line_number(self, row_number):
        """Spreadsheet line of the dataset's 1-based row number."""
        if self.line_numbers and 0 < row_number <= len(self.line_numbers):
            return self.line_numbers[row_number - 1]
        return row_number + 1

    def column_of(self, attribute):
        for field_ in self.fields.values():
            if field_.attribute == attribute:
                return field_.column_name
        return ""

    def lookup_widgets(self):
        return [f for f in self.fields.values() if isinstance(f.widget, TenantForeignKeyWidget)]

    def before_import(self, dataset, **kwargs):
        self.columns = set(dataset.headers or ())
        for field_ in self.lookup_widgets():
            if field_.column_name in self.columns:
                values = {str(value).strip() for value in dataset[field_.column_name] if value is not None}
                field_.widget.prefetch(values)

    # Validation.

    def assign_fields(self, instance, row, **kwargs):
        """Sets the instance's fields from the row (ValidationError listing every bad cell)."""
        resources.ModelResource.import_instance(self, instance, row, **kwargs)

    def snapshot(self, instance):
        """The instance's values of the imported fields (ids for foreign keys: no queries)."""
        values = {}
        for field_ in self.fields.values():
            if field_.attribute:
                attname = instance._meta.get_field(field_.attribute).attname
                values[field_.attribute] = getattr(instance, attname)
        return values

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        before = self.snapshot(instance) if instance.pk else None
        try:
            self.assign_fields(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        key = self.duplicate_key(instance, row)
        if key is not None:
            row_number = kwargs.get("row_number")
            first = self.seen.setdefault(key, row_number)
            if first != row_number:
                errors.setdefault(self.fields[self._meta.import_id_fields[0]].attribute, []).append(
                    _("The same row already appears at row %(row)s of the file.") % {"row": self.line_number(first)}
                )
        for attribute, message in self.check_row(instance, row, errors, **kwargs).items():
            errors.setdefault(attribute, []).append(message)
        if before is not None:
            after = self.snapshot(instance)
            instance._import_changed = {name for name, value in before.items() if after[name] != value}
        if errors:
            raise ValidationError(errors)

    def duplicate_key(self, instance, row):
        """What makes two rows of the file the same row (None: not known)."""
        return None

    def check_row(self, instance, row, errors, **kwargs):
        """Extra checks across columns: {attribute: message}."""
        return {}

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        try:
            # Uniqueness is checked against the preloaded rows and the rest of the file instead,
            # without a query per row.
            instance.full_clean(
                exclude={*errors, *self.clean_exclude}, validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    # Writing: bulk, and nothing at all in a dry run.

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """An existing row whose values the file does not change is "unchanged" and not written."""
        if import_validation_errors or instance.pk is None:
            return False
        return not getattr(instance, "_import_changed", True)

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if dry_run:
            self.create_instances.clear()
            return
        super().bulk_create(using_transactions, dry_run, raise_errors, batch_size=batch_size, result=result)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        """Updates only the fields that some row of the batch changes."""
        try:
            changed = sorted(set().union(*(instance._import_changed for instance in self.update_instances)))
            if self.update_instances and changed and not dry_run:
                self._meta.model.objects.bulk_update(self.update_instances, changed, batch_size=UPDATE_BATCH_SIZE)
        except Exception as error:  # noqa: BLE001 - reported as a file-level error, the import rolls back
            self.handle_import_error(result, error, raise_errors)
        finally:
            self.update_instances.clear()

    def after_import(self, dataset, result, **kwargs):
        # Not ModelResource.after_import: it resets the id sequence to max(id), which races with
        # concurrent inserts on PostgreSQL. Imports never set ids, so the sequence is right already.
        pass


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


# --- What each kind of import reads ------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    description: object
    required: bool = False
    example: str = ""
    aliases: tuple = ()


@dataclass(frozen=True)
class ImportKind:
    code: str
    label: object
    resource_class: type
    columns: tuple
    # Columns that are recognised and deliberately not imported.
    ignored: tuple = field(default_factory=tuple)

    def column_for(self, header):
        """The column key a header names (its key or a Japanese alias), or None."""
        key = normalize_key(header)
        for column in self.columns:
            if key == normalize_key(column.key) or key in {normalize_key(alias) for alias in column.aliases}:
                return column.key
        return None

    def is_ignored(self, header):
        return normalize_key(header) in {normalize_key(name) for name in self.ignored}

    @property
    def required(self):
        return [column.key for column in self.columns if column.required]


KINDS = {
    "partners": ImportKind(
        code="partners",
        label=gettext_lazy("Partners"),
        resource_class=PartnerResource,
        columns=(
            Column(
                "name",
                gettext_lazy("Name. An existing partner with this exact name is updated."),
                True,
                "株式会社サンプル",
                ("名称", "企業名", "機関名", "受入先", "受入先名"),
            ),
            Column(
                "name_kana", gettext_lazy("Name in kana"), False, "カブシキガイシャサンプル", ("フリガナ", "ふりがな")
            ),
            Column(
                "kind",
                gettext_lazy("company, university, municipality or npo (empty: company)"),
                False,
                "company",
                ("種別", "区分"),
            ),
            Column("industry", gettext_lazy("Industry"), False, "製造業", ("業種",)),
            Column("country", gettext_lazy("Country (empty: Japan)"), False, "日本", ("国", "国名")),
            Column("address", gettext_lazy("Address"), False, "石川県野々市市扇が丘7-1", ("住所", "所在地")),
            Column("website", gettext_lazy("Website"), False, "https://www.example.jp", ("ウェブサイト", "url", "hp")),
            Column(
                "phone",
                gettext_lazy("Phone number; may start with + for a country code"),
                False,
                "+81-76-123-4567",
                ("電話", "電話番号", "tel"),
            ),
            Column("notes", gettext_lazy("Notes"), False, "", ("備考", "メモ")),
        ),
    ),
    "students": ImportKind(
        code="students",
        label=gettext_lazy("Students"),
        resource_class=StudentResource,
        columns=(
            Column(
                "email",
                gettext_lazy("Email address. A new address gets an account; the person joins as a student."),
                True,
                "student@example.jp",
                ("メールアドレス", "メール", "e-mail", "mail"),
            ),
            Column(
                "full_name",
                gettext_lazy("Full name (needed for a new account)"),
                False,
                "金沢 太郎",
                ("氏名", "名前", "name"),
            ),
            Column("language", gettext_lazy("ja or en (empty: the browser's language)"), False, "ja", ("言語",)),
        ),
        ignored=("student_number", "学籍番号"),
    ),
    "placements": ImportKind(
        code="placements",
        label=gettext_lazy("Placements"),
        resource_class=PlacementResource,
        columns=(
            Column(
                "student_email",
                gettext_lazy("Email address of a student of this institution"),
                True,
                "student@example.jp",
                ("学生メールアドレス", "学生", "student"),
            ),
            Column(
                "partner", gettext_lazy("Partner name, as registered"), True, "株式会社サンプル", ("受入先", "企業名")
            ),
            Column("theme", gettext_lazy("Theme title at that partner"), True, "データ分析による業務改善", ("テーマ",)),
            Column(
                "faculty_email",
                gettext_lazy("Email address of the faculty supervisor (optional)"),
                False,
                "faculty@example.jp",
                ("指導教員メールアドレス", "指導教員"),
            ),
            Column("starts_on", gettext_lazy("First day, e.g. 2026-09-01"), True, "2026-09-01", ("開始日",)),
            Column("ends_on", gettext_lazy("Last day, e.g. 2027-02-28"), True, "2027-02-28", ("終了日",)),
            Column(
                "schedule",
                gettext_lazy("full_time or weekly_days (empty: full_time, or weekly_days when days are given)"),
                False,
                "weekly_days",
                ("勤務形態",),
            ),
            Column(
                "weekdays",
                gettext_lazy("Working days for weekly_days: 0 = Monday … 6 = Sunday, e.g. 0,2"),
                False,
                "0,2",
                ("勤務曜日", "曜日"),
            ),
            Column("pay", gettext_lazy("Pay"), False, "時給 1,200円", ("給与", "報酬")),
            Column(
                "direction", gettext_lazy("outbound or inbound (empty: outbound)"), False, "outbound", ("派遣受入",)
            ),
            Column(
                "state",
                gettext_lazy("planned, active, suspended, completed or terminated (empty: planned)"),
                False,
                "planned",
                ("状態",),
            ),
        ),
    ),
}

COUNTED_TYPES = (RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE, RowResult.IMPORT_TYPE_SKIP)
