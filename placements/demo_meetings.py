"""Demo of a coordinator organization's placement (seed 002): its start orientation confirmed
by every side and two reflection dialogues, the second following up the first's actions.
Idempotent: does nothing without an active placement, or when its meetings exist already."""

import datetime

from django.utils import timezone

from coop.clock import tenant_today, tenant_zone
from coop.models import Role, Tenant, User

from .models import Placement, ReflectionAction, StartOrientation
from .selectors.meetings import previous_open_actions
from .selectors.people import staff_users
from .services import meetings


def _at(tenant, day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)), tenant_zone(tenant))


def seed(tenant, people):
    if tenant.kind != Tenant.Kind.COORDINATOR:
        return
    placement = (
        Placement.objects.filter(tenant=tenant, state=Placement.State.ACTIVE)
        .select_related("student", "partner", "theme__program")
        .order_by("pk")
        .first()
    )
    if placement is None:
        return
    if StartOrientation.objects.filter(placement=placement).exists():
        return
    staff = staff_users(tenant).order_by("pk").first()
    if staff is None:
        return
    partner_person = (
        User.objects.filter(
            is_active=True,
            partner_contacts__partner=placement.partner,
            memberships__tenant=tenant,
            memberships__role=Role.PARTNER,
            memberships__is_active=True,
        )
        .order_by("pk")
        .first()
    )
    today = tenant_today(tenant)
    meetings.orientation_save(
        placement=placement,
        by=staff,
        held_at=_at(tenant, placement.starts_on, 10),
        place="受入企業 会議室（オンライン併用）",
        purpose="地域の魅力を全国の若者に届ける新しい商品企画を、受入企業の右腕として形にする。",
        goals="3か月で試作品を2つ作り、札幌の店頭で販売テストを行う。毎月、学びを言葉にして共有する。",
        working_style="週3日（火・木・土）、9時〜17時。住み込みの週は現地で、他の日はオンライン。",
        contact="日々の連絡はチャット、困ったことはその日のうちにコーディネーターへ。",
        rules="安全第一。顧客情報は社外に持ち出さない。休むときは前日までに連絡する。",
    )
    for person in (placement.student, partner_person, staff):
        if person is not None:
            meetings.orientation_confirm(placement=placement, by=person)
    first_day = max(placement.starts_on, today - datetime.timedelta(days=35))
    second_day = max(first_day + datetime.timedelta(days=1), today - datetime.timedelta(days=5))
    first = meetings.reflection_schedule(placement=placement, by=staff, scheduled_at=_at(tenant, first_day, 16))
    meetings.reflection_write_notes(
        dialogue=first, by=placement.student, notes="お客様の声を直接聞けたのが大きな学び。企画書の書き方に苦戦した。"
    )
    if partner_person is not None:
        meetings.reflection_write_notes(
            dialogue=first,
            by=partner_person,
            notes="現場への溶け込みが早い。提案の根拠をもう少しデータで示してほしい。",
        )
    meetings.reflection_write_notes(
        dialogue=first, by=staff, notes="目的に沿って進んでいる。次回までに試作品1つ目の形を見たい。"
    )
    meetings.reflection_actions_save(
        dialogue=first,
        by=staff,
        new_actions=[
            ("試作品1つ目のラフを作る", "student"),
            ("販売データを学生に共有する", "partner"),
            ("店頭テストの会場を探す", "coordinator"),
        ],
    )
    second = meetings.reflection_schedule(placement=placement, by=staff, scheduled_at=_at(tenant, second_day, 16))
    open_actions = list(previous_open_actions(second))
    follow_up = {
        action.pk: ReflectionAction.Status.CARRIED_OVER
        if action.owner == "coordinator"
        else ReflectionAction.Status.DONE
        for action in open_actions
    }
    meetings.reflection_actions_save(
        dialogue=second,
        by=staff,
        follow_up=follow_up,
        new_actions=[("販売テストの振り返りシートを作る", "student")],
    )
    meetings.reflection_write_notes(
        dialogue=second, by=placement.student, notes="ラフを受入先に見てもらい、方向性が固まった。"
    )
