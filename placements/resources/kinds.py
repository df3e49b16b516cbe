"""What each kind of import reads: its columns, their aliases and examples."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy, pgettext_lazy
from import_export.results import RowResult

from .cells import normalize_key
from .tables import ContactResource, PartnerResource, PlacementResource, StudentResource

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
    # What the preview calls a new row, and what the confirmation says.
    new_label: object = gettext_lazy("New")
    confirmed: object = gettext_lazy("%(what)s imported: %(new)s new, %(updated)s updated, %(unchanged)s unchanged.")

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
        label=pgettext_lazy("what an import holds", "Students"),
        resource_class=StudentResource,
        columns=(
            Column(
                "email",
                gettext_lazy(
                    "Email address. Each address is sent an invitation; the person joins as a student when they "
                    "accept it and enters their own name."
                ),
                True,
                "student@example.jp",
                ("メールアドレス", "メール", "e-mail", "mail"),
            ),
            Column(
                "language",
                gettext_lazy("Language of the invitation email: ja or en (empty: the institution's)"),
                False,
                "ja",
                ("言語",),
            ),
        ),
        ignored=("student_number", "学籍番号", "full_name", "氏名"),
        new_label=gettext_lazy("To invite"),
        confirmed=gettext_lazy(
            "Invitations were emailed to %(new)s people: each joins as a student on accepting theirs. "
            "%(unchanged)s were students or invited already."
        ),
    ),
    "contacts": ImportKind(
        code="contacts",
        label=gettext_lazy("Partner contacts"),
        resource_class=ContactResource,
        columns=(
            Column(
                "partner", gettext_lazy("Partner name, as registered"), True, "株式会社サンプル", ("受入先", "企業名")
            ),
            Column("full_name", gettext_lazy("Full name"), True, "白山 花子", ("氏名", "担当者名", "名前")),
            Column("title", gettext_lazy("Job title"), False, "人事部 課長", ("役職", "部署・役職")),
            Column(
                "email",
                gettext_lazy(
                    "Email address. An existing contact of the partner with this address is updated; a new one is "
                    "sent an invitation to the portal as a partner person."
                ),
                False,
                "hakusan@example.co.jp",
                ("メールアドレス", "メール", "e-mail", "mail"),
            ),
            Column(
                "phone",
                gettext_lazy("Phone number; may start with + for a country code"),
                False,
                "076-123-4567",
                ("電話", "電話番号", "tel"),
            ),
            Column("notes", gettext_lazy("Notes"), False, "", ("備考", "メモ")),
        ),
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
