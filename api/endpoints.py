"""The REST API under /api/v1/ (Django REST framework; schema by drf-spectacular).

Every view runs inside its token's tenant: the scope (django-scopes) and row-level security are
opened once the token is known, so an object of another tenant is simply not found (404). Each
view names its `area`; a GET needs `<area>:read`, a write `<area>:write` (api.authentication).
Every request with a token is logged; writes may carry an Idempotency-Key."""

from contextlib import ExitStack

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django_scopes import scope
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.views import APIView

from coop import rls
from coop.clock import tenant_zone
from coop.services import students_sync
from coop.summary import Scope, summary_sections
from placements.services.placements import career_outcome_record

from . import selectors
from . import serializers as s
from .pagination import KeysetPagination
from .problems import Problem
from .services import api_request_log, idempotent_write_find, idempotent_write_store, request_fingerprint

IDEMPOTENCY_HEADER = "Idempotency-Key"
PROBLEM = OpenApiResponse(response=s.ProblemSerializer, description="application/problem+json (RFC 9457)")
ERRORS = {400: PROBLEM, 401: PROBLEM, 403: PROBLEM, 404: PROBLEM, 429: PROBLEM}
IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="A key of the client's: the same key and body get the stored answer; another body 422.",
)


class _Replay(Exception):
    def __init__(self, stored):
        self.stored = stored


class ApiView(APIView):
    area = None  # the scope area; None: any valid token
    updated_field = "updated_at"

    def dispatch(self, request, *args, **kwargs):
        self._stack = ExitStack()
        self._idempotency = None
        with self._stack:
            response = super().dispatch(request, *args, **kwargs)
            token = getattr(self.request, "auth", None) if hasattr(self, "request") else None
            if token is not None:
                with scope(tenant=token.tenant), rls.tenant(token.tenant):
                    if self._idempotency is not None and response.status_code < 500:
                        response = self._keep_answer(token, response)
                    api_request_log(
                        token=token, method=request.method, path=request.get_full_path(), status=response.status_code
                    )
            response.render()  # inside the tenant's time zone and scope
        return response

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # token, scope of the token, rate
        tenant = request.auth.tenant
        for context in (scope(tenant=tenant), rls.tenant(tenant)):  # the scope and the database's tenant
            self._stack.enter_context(context)
        timezone.activate(tenant_zone(tenant))
        self._stack.callback(timezone.deactivate)
        self.tenant = tenant
        key = request.headers.get(IDEMPOTENCY_HEADER)
        if key and request.method not in SAFE_METHODS:
            if len(key) > 200:
                raise Problem(400, "invalid", f"{IDEMPOTENCY_HEADER}: 200")
            fingerprint = request_fingerprint(request.method, request.path, request.body)
            stored = idempotent_write_find(token=request.auth, key=key)
            if stored is not None:
                if stored.request_hash != fingerprint:
                    raise Problem(422, "idempotency_key_reused", None)
                raise _Replay(stored)
            self._idempotency = (key, fingerprint)
            # the write and its stored answer commit together, or neither does
            self._stack.enter_context(transaction.atomic())

    def _keep_answer(self, token, response):
        """Stores the answer in the write's own transaction. A concurrent request with the same
        key that committed first wins: this one's write is rolled back and its answer replayed."""
        key, fingerprint = self._idempotency
        stored = idempotent_write_store(
            token=token, key=key, request_hash=fingerprint, status=response.status_code, body=response.data
        )
        if stored:
            return response
        transaction.set_rollback(True)
        winner = idempotent_write_find(token=token, key=key)
        if winner is None or winner.request_hash != fingerprint:
            return self.finalize_response(
                self.request, self.handle_exception(Problem(422, "idempotency_key_reused", None))
            )
        replay = Response(winner.body, status=winner.status, headers={"Idempotent-Replayed": "true"})
        return self.finalize_response(self.request, replay)

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            return Response(exc.stored.body, status=exc.stored.status, headers={"Idempotent-Replayed": "true"})
        return super().handle_exception(exc)


class ApiListView(ApiView):
    pagination_class = KeysetPagination
    serializer_class = None

    def rows(self):
        raise NotImplementedError

    def get_serializer(self, *args, **kwargs):  # for the schema
        return self.serializer_class(*args, **kwargs)

    def get(self, request, *args, **kwargs):
        paginator = self.pagination_class()
        rows = paginator.paginate_queryset(self.rows(), request, view=self)
        return paginator.get_paginated_response(self.serializer_class(rows, many=True).data)


@extend_schema(responses={200: s.PingSerializer, 401: PROBLEM}, summary="Check a token (any permission)")
class Ping(ApiView):
    """A bare endpoint: the token is valid. Costs what every request costs (the throughput base)."""

    def get(self, request):
        return Response({"ok": True, "institution": self.tenant.slug})


@extend_schema(summary="Students who joined, by change time", responses={200: s.StudentSerializer(many=True), **ERRORS})
class StudentList(ApiListView):
    area = "students"
    serializer_class = s.StudentSerializer

    def rows(self):
        return selectors.students_for_api(self.tenant)


def _student_status(number, member, invitation):
    if member is not None:
        return {
            "student_number": number,
            "status": "member" if member.is_active else "inactive",
            "email": member.user.email,
            "name_kana": member.name_kana,
            "member": s.StudentSerializer(member).data,
        }
    return {
        "student_number": number,
        "status": "invited",
        "email": invitation.email,
        "name_kana": invitation.name_kana,
        "member": None,
    }


class StudentDetail(ApiView):
    area = "students"

    @extend_schema(summary="One student by student number", responses={200: s.StudentStatusSerializer, **ERRORS})
    def get(self, request, student_number):
        member, invitation = selectors.student_for_number(self.tenant, student_number)
        if member is None and invitation is None:
            raise Problem(404, "not_found", None)
        return Response(_student_status(student_number, member, invitation))

    @extend_schema(
        summary="Create or update a student by student number",
        description="A new student is invited by email (nobody joins without accepting); a member is updated.",
        request=s.StudentWriteSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={200: s.StudentSyncResultSerializer, 201: s.StudentSyncResultSerializer, 422: PROBLEM, **ERRORS},
    )
    def put(self, request, student_number):
        data = s.StudentWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        [result] = students_sync(
            tenant=self.tenant, by=request.user, records=[{"student_number": student_number, **data.validated_data}]
        )
        if result["result"] == "invalid":
            raise serializers.ValidationError(result["errors"])
        return Response(result, status=status.HTTP_201_CREATED if result["result"] == "created" else 200)


class StudentBulk(ApiView):
    area = "students"

    @extend_schema(
        summary="Create or update up to 500 students at once",
        description="One result per student, in order; an invalid student does not stop the others.",
        request=s.StudentBulkSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={200: s.StudentBulkResultSerializer, 422: PROBLEM, **ERRORS},
    )
    def post(self, request):
        data = s.StudentBulkSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        results = students_sync(tenant=self.tenant, by=request.user, records=data.validated_data["students"])
        return Response({"results": results})


@extend_schema(summary="Partners", responses={200: s.PartnerSerializer(many=True), **ERRORS})
class PartnerList(ApiListView):
    area = "partners"
    serializer_class = s.PartnerSerializer

    def rows(self):
        return selectors.partners_for_api(self.tenant)


@extend_schema(summary="Themes", responses={200: s.ThemeSerializer(many=True), **ERRORS})
class ThemeList(ApiListView):
    area = "themes"
    serializer_class = s.ThemeSerializer

    def rows(self):
        return selectors.themes_for_api(self.tenant)


@extend_schema(summary="Placements", responses={200: s.PlacementSerializer(many=True), **ERRORS})
class PlacementList(ApiListView):
    area = "placements"
    serializer_class = s.PlacementSerializer

    def rows(self):
        return selectors.placements_for_api(self.tenant)


class PlacementDetail(ApiView):
    area = "placements"

    @extend_schema(summary="One placement", responses={200: s.PlacementSerializer, **ERRORS})
    def get(self, request, pk):
        return Response(s.PlacementSerializer(get_object_or_404(selectors.placements_for_api(self.tenant), pk=pk)).data)


@extend_schema(summary="Daily report status", responses={200: s.DailyReportSerializer(many=True), **ERRORS})
class DailyReportList(ApiListView):
    area = "reports"
    serializer_class = s.DailyReportSerializer

    def rows(self):
        return selectors.daily_reports_for_api(self.tenant)


@extend_schema(summary="Monthly report status", responses={200: s.MonthlyReportSerializer(many=True), **ERRORS})
class MonthlyReportList(ApiListView):
    area = "reports"
    serializer_class = s.MonthlyReportSerializer

    def rows(self):
        return selectors.monthly_reports_for_api(self.tenant)


@extend_schema(summary="Submitted evaluations", responses={200: s.EvaluationSerializer(many=True), **ERRORS})
class EvaluationList(ApiListView):
    area = "evaluations"
    serializer_class = s.EvaluationSerializer

    def rows(self):
        return selectors.evaluations_for_api(self.tenant)


@extend_schema(summary="Final results (grades)", responses={200: s.ResultSerializer(many=True), **ERRORS})
class ResultList(ApiListView):
    area = "evaluations"
    serializer_class = s.ResultSerializer

    def rows(self):
        return selectors.results_for_api(self.tenant)


@extend_schema(summary="Career outcomes", responses={200: s.OutcomeSerializer(many=True), **ERRORS})
class OutcomeList(ApiListView):
    area = "outcomes"
    serializer_class = s.OutcomeSerializer
    updated_field = "recorded_at"

    def rows(self):
        return selectors.outcomes_for_api(self.tenant)


class PlacementOutcome(ApiView):
    area = "outcomes"

    @extend_schema(summary="The career outcome of a placement", responses={200: s.OutcomeSerializer, **ERRORS})
    def get(self, request, pk):
        return Response(
            s.OutcomeSerializer(get_object_or_404(selectors.outcomes_for_api(self.tenant), placement=pk)).data
        )

    @extend_schema(
        summary="Record the career outcome of an ended placement",
        request=s.OutcomeSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={200: s.OutcomeSerializer, 422: PROBLEM, **ERRORS},
    )
    def put(self, request, pk):
        placement = get_object_or_404(selectors.placements_for_api(self.tenant), pk=pk)
        data = s.OutcomeSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        outcome = career_outcome_record(placement=placement, by=request.user, **data.validated_data)
        return Response(s.OutcomeSerializer(outcome).data)


@extend_schema(summary="Terms (of every program)", responses={200: s.TermSerializer(many=True), **ERRORS})
class TermList(ApiListView):
    area = "summaries"
    serializer_class = s.TermSerializer
    updated_field = None

    def rows(self):
        return selectors.terms_for_api(self.tenant)


class TermSummary(ApiView):
    area = "summaries"

    @extend_schema(
        summary="The term summary (the same sections as the page and PDF)",
        responses={200: s.TermSummarySerializer, **ERRORS},
    )
    def get(self, request, pk):
        term = get_object_or_404(selectors.terms_for_api(self.tenant), pk=pk)
        sections = summary_sections(Scope(tenant=self.tenant, program=term.program, term=term))
        return Response(
            {
                "term": s.TermSerializer(term).data,
                "sections": [
                    {
                        "key": section.key,
                        "title": str(section.title),
                        "columns": [str(c) for c in section.columns],
                        "rows": [
                            [v if isinstance(v, (int, float)) or v is None else str(v) for v in row]
                            for row in section.rows
                        ],
                        "note": str(section.note),
                        "numbers": {
                            k: (v if isinstance(v, (int, float)) or v is None else str(v))
                            for k, v in section.numbers.items()
                        },
                    }
                    for section in sections
                ],
            }
        )
