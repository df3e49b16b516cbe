"""Compliance at a glance for the office, per theme and per partner, built on
core.compliance_for_user, and the geometry of its server-side SVG bar chart."""

import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Case, Exists, F, OuterRef, Value, When
from django_scopes import get_scope

from coop.cache import cached_while_unchanged
from coop.models import Role
from placements.models import Partner, Placement, PlacementSupervisor, Theme
from placements.selectors.visibility import placements_for_user

from ..models import Evaluation, MonthlyReport, ReportTally
from .core import REPORTING_STATES, add_months, month_end, month_start, working_days
from .days_off import DaysOff

# --- Compliance at a glance, per theme and per partner --------------------------------------------

# Placements that ended this long ago or less still show missing evaluations.
EVALUATION_LOOKBACK_DAYS = 180


@dataclass
class ComplianceGroup:
    key: object
    label: str
    placements: int = 0
    due: int = 0
    missed: int = 0
    monthly_late: int = 0
    evaluations_late: int = 0
    behind: int = 0

    @property
    def rate(self):
        """The share of due days reported, in whole percent rounded half up (as _rate_sql)."""
        return 100 if not self.due else (200 * (self.due - self.missed) + self.due) // (2 * self.due)


@dataclass
class Behind:
    placement: Placement
    missed: int = 0
    monthly_late: bool = False
    evaluations_missing: list = field(default_factory=list)


def evaluations_missing_for_user(user, role, today, due_days):
    """Placements that ended (within the lookback) and lack a submitted partner or faculty
    evaluation once it is due: one query with two EXISTS subqueries."""

    submitted = Evaluation.objects.filter(placement=OuterRef("pk"), state=Evaluation.State.SUBMITTED)
    due_before = today - datetime.timedelta(days=due_days)
    return (
        placements_for_user(user, role)
        .filter(
            state__in=(Placement.State.ACTIVE, Placement.State.COMPLETED),
            ends_on__lte=due_before,
            ends_on__gte=today - datetime.timedelta(days=EVALUATION_LOOKBACK_DAYS),
        )
        .annotate(
            has_partner=Exists(submitted.filter(kind=Evaluation.Kind.PARTNER)),
            has_faculty=Exists(submitted.filter(kind=Evaluation.Kind.FACULTY)),
        )
        .exclude(has_partner=True, has_faculty=True)
        .select_related("student", "partner", "theme")
        .order_by("ends_on", "id")
    )


def evaluations_to_write(user, role, today):
    """Placements that ended and wait for this person's evaluation: a partner supervisor's
    (the partner evaluation) or the faculty supervisor's (the faculty evaluation)."""
    missing = evaluations_missing_for_user(user, role, today, 0)
    if role == Role.PARTNER:
        supervised = PlacementSupervisor.objects.filter(contact__user=user).values("placement_id")
        return missing.filter(has_partner=False, pk__in=supervised)
    if role == Role.FACULTY:
        return missing.filter(has_faculty=False)
    return missing.none()


@dataclass(frozen=True)
class PlacementKey:
    """A placement as the compliance groups read it: its id and groups, not a model instance."""

    pk: int
    theme_id: int
    partner_id: int


SCHEDULE_FIELDS = ("schedule", "weekdays")
GROUP_COLUMNS = {"themes": ("theme_id", Theme, "title"), "partners": ("partner_id", Partner, "name")}


def _rate_sql(due, missed):
    """ComplianceGroup.rate in SQL: the same integer percentage, rounded half up."""
    return f"CASE WHEN {due} = 0 THEN 100 ELSE (200 * ({due} - {missed}) + {due}) / (2 * {due}) END"


def _values(name, columns, rows, empty):
    """A VALUES table for a WITH clause and its parameters; `empty` is the SELECT of no rows
    that gives the columns their types when there is none."""
    if not rows:
        return f"{name}({', '.join(columns)}) AS ({empty} WHERE 1 = 0)", []
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    return f"{name}({', '.join(columns)}) AS (VALUES {', '.join([row] * len(rows))})", [v for r in rows for v in r]


class ComplianceCounts:
    """This month's daily reports, last month's monthly reports (late after the due day) and
    evaluations (late after the due days), per placement, per theme and per partner: counted
    by the database in one statement per question, whatever the number of placements.

    The calendar stays in Python, its one home (core.working_days, DaysOff, Placement's weekly
    schedule): the due days of each weekly schedule and period of the month in use are counted
    there and joined in, and so are those of the placements with suspensions of their own.
    Today's report counts once written, and is not missing before the day is over."""

    def __init__(self, user, role, today, *, monthly_due_day, evaluation_due_days, missing_days, placements=None):
        self.today = today
        self.month = month_start(today)
        self.last = month_end(self.month)
        self.threshold = max(missing_days, 1)
        visible = placements if placements is not None else placements_for_user(user, role)
        self.running = visible.filter(state__in=REPORTING_STATES, starts_on__lte=self.last, ends_on__gte=self.month)
        self.monthly_due_day = monthly_due_day
        self.evaluations = evaluations_missing_for_user(user, role, today, evaluation_due_days).filter(
            pk__in=visible.values("pk")
        )
        self._with = None

    # --- The statement's parts ---------------------------------------------------------------

    def _clipped(self):
        """The running placements with their period clipped to the month (first_day, last_day)."""
        return self.running.order_by().annotate(
            first_day=Case(When(starts_on__gt=self.month, then=F("starts_on")), default=Value(self.month)),
            last_day=Case(When(ends_on__lt=self.last, then=F("ends_on")), default=Value(self.last)),
        )

    def _due(self, placement, days_off):
        """(due days before today, 1 if today is a working day else 0) of a placement (or a
        shape of one) this month, by core.working_days: the month is today's, so "up to
        today" never passes its end."""
        yesterday = self.today - datetime.timedelta(days=1)
        before = len(working_days(placement, self.month, yesterday, days_off)) if yesterday >= self.month else 0
        through = len(working_days(placement, self.month, self.today, days_off))
        return before, int(through > before)

    def _periods(self, days_off):
        """(schedule, weekdays, first day, last day, due before today, works today) for every
        weekly schedule and period of the month in use: a few dozen shapes at 10,000 placements."""
        rows = []
        periods = self._clipped().values_list(*SCHEDULE_FIELDS, "first_day", "last_day").distinct()
        for schedule, weekdays, first, last in periods:
            shape = Placement(
                state=Placement.State.ACTIVE, schedule=schedule, weekdays=weekdays, starts_on=first, ends_on=last
            )
            rows.append((schedule, weekdays, first, last, *self._due(shape, days_off)))
        return rows

    def _own(self, days_off):
        """(placement, due before today, works today) of the running placements with suspensions
        of their own."""
        own = days_off.placements_with_periods
        if not own:
            return []
        found = self.running.filter(pk__in=own).only("pk", "state", "starts_on", "ends_on", *SCHEDULE_FIELDS)
        return [(placement.pk, *self._due(placement, days_off)) for placement in found]

    def _statement(self):
        """The WITH clause: one row per placement (running or with an evaluation late) with
        its counts, as `per_placement`, and its parameters."""
        if self._with is not None:
            return self._with
        month, today = self.month, self.today
        days_off = DaysOff.load(get_scope()["tenant"].pk, month, today)
        days_sql, days_params = _values(
            "periods",
            ("schedule", "weekdays", "first_day", "last_day", "due_before", "works_today"),
            self._periods(days_off),
            "SELECT '', '', CAST(NULL AS DATE), CAST(NULL AS DATE), 0, 0",
        )
        own_sql, own_params = _values(
            "own", ("placement_id", "due_before", "works_today"), self._own(days_off), "SELECT 0, 0, 0"
        )
        running_sql, running_params = (
            self._clipped()
            .values("id", "theme_id", "partner_id", "starts_on", "ends_on", "first_day", "last_day", *SCHEDULE_FIELDS)
            .query.sql_with_params()
        )
        # The month's submitted reports as counted on each save (ReportTally): a report is only
        # submitted for a day that has come, so today's is there when the latest day is today.
        reported_sql, reported_params = (
            ReportTally.objects.filter(month=month)
            .order_by()
            .values("placement_id", "submitted", "latest")
            .query.sql_with_params()
        )
        # Last month's monthly report is late after the due day for a placement that ran then.
        last_month = add_months(month, -1)
        if today.day >= self.monthly_due_day:
            done_sql, done_params = (
                MonthlyReport.objects.filter(
                    placement__in=self.running.values("pk"),
                    month=last_month,
                    state__in=(MonthlyReport.State.SUBMITTED, MonthlyReport.State.REVIEWED),
                )
                .order_by()
                .values("placement_id")
                .query.sql_with_params()
            )
            late_sql = "CASE WHEN p.starts_on <= %s AND p.ends_on >= %s AND done.placement_id IS NULL THEN 1 ELSE 0 END"
            late_params = [month_end(last_month), last_month]
            done_join = f"LEFT JOIN ({done_sql}) done ON done.placement_id = p.id"
        else:
            done_params, late_sql, late_params, done_join = (), "0", [], ""
        # The placements late with evaluations are read first (a few hundred at most) and given as
        # a VALUES table, whose size the planner knows: joined to 10,000 running placements, a
        # guess of one row would make it a nested loop.
        evaluated_sql, evaluated_params = _values(
            "evaluated",
            ("id", "theme_id", "partner_id", "partner_missing", "faculty_missing"),
            [
                (pk, theme_id, partner_id, int(not has_partner), int(not has_faculty))
                for pk, theme_id, partner_id, has_partner, has_faculty in self.evaluations.order_by().values_list(
                    "id", "theme_id", "partner_id", "has_partner", "has_faculty"
                )
            ],
            "SELECT 0, 0, 0, 0, 0",
        )
        # Only identifiers and SQL compiled by Django are formatted in; every value is a parameter.
        # One pipeline the database runs without materializing any step: every join keeps the
        # placements' rows (LEFT), and the VALUES tables tell the planner their sizes, so it
        # hashes them instead of guessing one row and looping over 10,000 placements.
        sql = f"""WITH {days_sql}, {own_sql}, {evaluated_sql},
per_placement AS (
  SELECT both_kinds.*,
    CASE WHEN missed >= %s OR late = 1 OR partner_missing + faculty_missing > 0 THEN 1 ELSE 0 END AS behind
  FROM (
    SELECT COALESCE(c.id, e.id) AS id, COALESCE(c.theme_id, e.theme_id) AS theme_id,
      COALESCE(c.partner_id, e.partner_id) AS partner_id, CASE WHEN c.id IS NULL THEN 0 ELSE 1 END AS running,
      COALESCE(c.due, 0) AS due, COALESCE(c.missed, 0) AS missed, COALESCE(c.late, 0) AS late,
      COALESCE(e.partner_missing, 0) AS partner_missing, COALESCE(e.faculty_missing, 0) AS faculty_missing
    FROM (
      SELECT id, theme_id, partner_id, late,
        due_before + CASE WHEN works_today = 1 AND n_today > 0 THEN 1 ELSE 0 END AS due,
        CASE WHEN due_before - (n - n_today) > 0 THEN due_before - (n - n_today) ELSE 0 END AS missed
      FROM (
        SELECT p.id, p.theme_id, p.partner_id, {late_sql} AS late,
          COALESCE(reported.submitted, 0) AS n, CASE WHEN reported.latest = %s THEN 1 ELSE 0 END AS n_today,
          COALESCE(own.due_before, periods.due_before, 0) AS due_before,
          COALESCE(own.works_today, periods.works_today, 0) AS works_today
        FROM ({running_sql}) p
        LEFT JOIN ({reported_sql}) reported ON reported.placement_id = p.id
        {done_join}
        LEFT JOIN periods ON periods.schedule = p.schedule AND periods.weekdays = p.weekdays
          AND periods.first_day = p.first_day AND periods.last_day = p.last_day
        LEFT JOIN own ON own.placement_id = p.id
      ) running
    ) c
    FULL JOIN evaluated e ON e.id = c.id  -- (SQLite has FULL JOIN from 3.39: Debian 12 has 3.40)
  ) both_kinds
)"""  # noqa: S608
        params = [
            *days_params,
            *own_params,
            *evaluated_params,
            self.threshold,
            *late_params,
            today,
            *running_params,
            *reported_params,
            *done_params,
        ]
        self._with = (sql, params)
        return self._with

    def _fetch(self, select, params=(), *, named=False):
        """The rows of `select` after the WITH clause; `named`: as {column: value}."""
        sql, with_params = self._statement()
        with connection.cursor() as cursor:
            cursor.execute(f"{sql}\n{select}", [*with_params, *params])
            rows = cursor.fetchall()
            if named:
                names = [column[0] for column in cursor.description]
                return [dict(zip(names, row, strict=True)) for row in rows]
            return rows

    # --- Questions ------------------------------------------------------------------------------

    def behind_count(self):
        return self._fetch("SELECT COUNT(*) FROM per_placement WHERE behind = 1")[0][0]

    def _groups_sql(self, part, matching):
        """The groups of `part`, unnamed, and the WHERE (with its parameters) by which
        `matching` narrows them."""
        column = GROUP_COLUMNS[part][0]
        where, params = "", []
        if matching is not None:
            matching_sql, params = matching.order_by().values("pk").query.sql_with_params()
            where = f"WHERE g.group_key IN ({matching_sql})"
        sql = f"""SELECT {column} AS group_key, SUM(running) AS placements, SUM(due) AS due, SUM(missed) AS missed,
    SUM(late) AS monthly_late, SUM(partner_missing + faculty_missing) AS evaluations_late, SUM(behind) AS behind
  FROM per_placement GROUP BY {column}"""  # noqa: S608
        return sql, where, list(params)

    def groups(self, part, *, sort="rate", matching=None, offset=0, limit=None):
        """A page of groups (`part`: "themes" or "partners"), named, in the order `sort` (one
        of rate, name, placements, behind; "-" first for descending), the group's key breaking ties; `matching`
        (a queryset of themes or partners) narrows them. Returns (groups, how many groups,
        how many placements are behind), counted in the same statement."""
        sql, where, params = self._groups_sql(part, matching)
        _column, model, field = GROUP_COLUMNS[part]
        name = sort.removeprefix("-")
        direction = "DESC" if sort.startswith("-") else "ASC"
        label = "label" + (' COLLATE "C"' if connection.vendor == "postgresql" else "")
        keys = {"rate": _rate_sql("due", "missed"), "name": label, "placements": "placements", "behind": "behind"}
        order = f"{keys[name]} {direction}, group_key {direction}"
        named = f"""SELECT g.*, label.{connection.ops.quote_name(field)} AS label FROM ({{}}) g
JOIN {connection.ops.quote_name(model._meta.db_table)} label ON label.id = g.group_key"""  # noqa: S608
        # Every placement is in one group: the groups' sum of those behind (before a search
        # narrows them) is how many placements are behind.
        counted = f"""SELECT g.*, COUNT(*) OVER () AS total FROM (
  SELECT g.*, SUM(g.behind) OVER () AS behind_total FROM ({sql}) g
) g {where}"""  # noqa: S608
        if name == "name":  # every group named, to sort by name
            select = f"SELECT * FROM ({named.format(counted)}) g ORDER BY {order} {_limit(offset, limit)}"  # noqa: S608
        else:  # the page first, then its names
            page = f"SELECT * FROM ({counted}) g ORDER BY {order} {_limit(offset, limit)}"  # noqa: S608
            select = f"{named.format(page)} ORDER BY {order}"
        rows = self._fetch(select, params, named=True)  # by name: the columns come in two orders
        if not rows:  # no group, or a page past the last: counted apart
            count = self._fetch(f"SELECT COUNT(*) FROM ({sql}) g {where}", params)[0][0]  # noqa: S608
            return [], count, self.behind_count()
        counts = ("placements", "due", "missed", "monthly_late", "evaluations_late", "behind")
        groups = [ComplianceGroup(row["group_key"], row["label"], *(int(row[k]) for k in counts)) for row in rows]
        return groups, rows[0]["total"], rows[0]["behind_total"]

    def behind(self, *, offset=0, limit=None):
        """A page of the placements behind, most missed days first, then most evaluations
        missing; returns (the page, how many are behind), counted in the same statement."""
        rows = self._fetch(
            "SELECT id, theme_id, partner_id, missed, late, partner_missing, faculty_missing, COUNT(*) OVER ()"  # noqa: S608
            " FROM per_placement WHERE behind = 1"
            f" ORDER BY missed DESC, partner_missing + faculty_missing DESC, id {_limit(offset, limit)}"
        )
        if not rows:
            return [], self.behind_count() if offset else 0
        entries = [
            Behind(
                PlacementKey(pk, theme_id, partner_id),
                int(missed),
                bool(late),
                [
                    kind.label
                    for kind, missing in ((Evaluation.Kind.PARTNER, partner), (Evaluation.Kind.FACULTY, faculty))
                    if missing
                ],
            )
            for pk, theme_id, partner_id, missed, late, partner, faculty, _total in rows
        ]
        return entries, rows[0][-1]


def _limit(offset, limit):
    return f"LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""


class CountedPages:
    """A list that coop.lists.sequence_page pages through (it asks the length, then a slice):
    `fetch(offset, limit)` gives (rows, length, behind) in one statement, so the expected
    slice (`offset`, `limit`: the page the request asks for) comes with the length; another
    slice (a page number past the end) is fetched again. Each answer is kept in the cache
    while the tenant's records keep their version."""

    def __init__(self, tenant_id, parts, fetch, *, offset, limit):
        self.tenant_id, self.parts, self.fetch, self.offset, self.limit = tenant_id, parts, fetch, offset, limit
        self._first = None

    def _answer(self, offset, limit):
        return cached_while_unchanged(
            "records", self.tenant_id, (*self.parts, offset, limit), lambda: self.fetch(offset, limit)
        )

    def first(self):
        if self._first is None:
            self._first = self._answer(self.offset, self.limit)
        return self._first

    def __len__(self):
        return self.first()[1]

    def __getitem__(self, page):
        if (page.start, page.stop - page.start) == (self.offset, self.limit):
            return self.first()[0]
        return self._answer(page.start, page.stop - page.start)[0]


def compliance_snapshot(
    user, role, today, *, part, placements, offset, limit, sort="rate", matching=None, arranged_by=(), **settings
):
    """`part` ("themes", "partners" or "behind") of ComplianceCounts as a list to page through
    (CountedPages; the page the request asks for is `offset`, `limit`), kept while the tenant's
    placement and report records are unchanged (coop.cache): the page is read again for every
    sort, page and drill. Returns ({"month", "behind_total"}, the pages); `arranged_by` names
    `sort` and `matching` in the cache key."""
    tenant_id = get_scope()["tenant"].pk
    counts = ComplianceCounts(user, role, today, placements=placements, **settings)
    parts = ("compliance", part, user.pk, role, today, sorted(settings.items()), placements.query.sql_with_params())
    if part == "behind":

        def fetch(start, size):
            entries, total = counts.behind(offset=start, limit=size)
            return entries, total, total

    else:

        def fetch(start, size):
            return counts.groups(part, sort=sort, matching=matching, offset=start, limit=size)

    pages = CountedPages(tenant_id, (*parts, *arranged_by), fetch, offset=offset, limit=limit)
    return {"month": counts.month, "behind_total": pages.first()[2]}, pages


def group_keys_matching(model, field, q):
    """The groups whose name contains `q` (a subquery the trigram index answers)."""
    return model.objects.filter(**{f"{field}__icontains": q})


def behind_page_placements(entries):
    """The placements of a page of `Behind` entries, with what the page shows (one query)."""
    loaded = Placement.objects.filter(pk__in=[entry.placement.pk for entry in entries]).select_related(
        "student", "partner", "theme"
    )
    by_pk = {placement.pk: placement for placement in loaded}
    return [Behind(by_pk[e.placement.pk], e.missed, e.monthly_late, e.evaluations_missing) for e in entries]
