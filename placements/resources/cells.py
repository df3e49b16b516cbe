"""Cell rules and widgets shared by the import resources: text, choices, dates, weekdays,
and foreign keys looked up inside one tenant."""

import datetime
import re
import unicodedata
from collections import defaultdict

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from import_export.widgets import ForeignKeyWidget, Widget

from coop.models import Membership, Role, User
from coop.spreadsheets import is_formula_like

from ..models import Partner, Theme

LOOKUP_CHUNK = 500
BATCH_SIZE = 1000
# Django's bulk_update() writes one CASE per field whose cost grows with the batch: smaller is faster.
UPDATE_BATCH_SIZE = 200
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
    if is_formula_like(text) and not (phone and PHONE.match(text)):
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
