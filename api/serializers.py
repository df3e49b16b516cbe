"""What the API shows and accepts. Reads are flat rows for a student-record system; writes are
checked here for shape and by the services (coop.services, placements.services) for rules."""

from rest_framework import serializers

from coop.services import STUDENT_SYNC_MAX
from placements.models import CareerOutcome, Partner, Placement, Term, Theme
from reports.models import DailyReport, Evaluation, MonthlyReport, PlacementResult


class StudentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    student_number = serializers.CharField()
    email = serializers.EmailField(source="user.email")
    full_name = serializers.CharField(source="user.full_name")
    name_kana = serializers.CharField()
    role = serializers.CharField()
    is_active = serializers.BooleanField()
    joined_at = serializers.DateTimeField(source="created_at")
    updated_at = serializers.DateTimeField()


class StudentStatusSerializer(serializers.Serializer):
    """One student number: a member, or an invitation waiting to be accepted."""

    student_number = serializers.CharField()
    status = serializers.ChoiceField(choices=["member", "invited", "inactive"])
    email = serializers.EmailField()
    name_kana = serializers.CharField()
    member = StudentSerializer(allow_null=True)


class StudentWriteSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    name_kana = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    is_active = serializers.BooleanField(required=False, default=True)


class StudentRecordSerializer(StudentWriteSerializer):
    student_number = serializers.CharField(max_length=40)


class StudentBulkSerializer(serializers.Serializer):
    students = StudentRecordSerializer(many=True, max_length=STUDENT_SYNC_MAX, allow_empty=False)


class StudentSyncResultSerializer(serializers.Serializer):
    student_number = serializers.CharField()
    result = serializers.ChoiceField(choices=["created", "updated", "unchanged", "invalid"])
    status = serializers.CharField()
    errors = serializers.DictField(child=serializers.CharField())


class StudentBulkResultSerializer(serializers.Serializer):
    results = StudentSyncResultSerializer(many=True)


class PartnerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Partner
        fields = [
            "id",
            "name",
            "name_kana",
            "kind",
            "industry",
            "country",
            "address",
            "website",
            "is_active",
            "created_at",
            "updated_at",
        ]


class ThemeSerializer(serializers.ModelSerializer):
    partner_name = serializers.CharField(source="partner.name")
    program_name = serializers.CharField(source="program.name")

    class Meta:
        model = Theme
        fields = [
            "id",
            "title",
            "state",
            "partner",
            "partner_name",
            "program",
            "program_name",
            "term",
            "created_at",
            "updated_at",
        ]


class PlacementSerializer(serializers.ModelSerializer):
    student_number = serializers.CharField(allow_null=True)
    student_email = serializers.EmailField(source="student.email")
    student_name = serializers.CharField(source="student.full_name")
    theme_title = serializers.CharField(source="theme.title")
    partner_name = serializers.CharField(source="partner.name")

    class Meta:
        model = Placement
        fields = [
            "id",
            "student_number",
            "student_email",
            "student_name",
            "theme",
            "theme_title",
            "partner",
            "partner_name",
            "starts_on",
            "ends_on",
            "schedule",
            "weekdays",
            "direction",
            "state",
            "created_at",
            "updated_at",
        ]


class DailyReportSerializer(serializers.ModelSerializer):
    """Whether a day was reported; what the student wrote stays in the portal."""

    class Meta:
        model = DailyReport
        fields = ["id", "placement", "date", "hours", "state", "submitted_at", "updated_at"]


class MonthlyReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = MonthlyReport
        fields = [
            "id",
            "placement",
            "month",
            "state",
            "submitted_at",
            "hours_total",
            "days_reported",
            "days_missed",
            "updated_at",
        ]


class EvaluationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evaluation
        fields = ["id", "placement", "kind", "state", "scores", "submitted_at", "updated_at"]


class ResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlacementResult
        fields = ["id", "placement", "grade", "passed", "agreed_by_faculty", "agreed_by_practitioner", "updated_at"]


class OutcomeSerializer(serializers.ModelSerializer):
    updated_at = serializers.DateTimeField(source="recorded_at", read_only=True)

    class Meta:
        model = CareerOutcome
        fields = [
            "id",
            "placement",
            "offer_received",
            "hired_by_partner",
            "hired_in_japan",
            "stayed_in_region",
            "notes",
            "updated_at",
        ]
        read_only_fields = ["id", "placement"]


class TermSerializer(serializers.ModelSerializer):
    program_name = serializers.CharField(source="program.name")

    class Meta:
        model = Term
        fields = ["id", "program", "program_name", "name", "academic_year", "starts_on", "ends_on"]


class SummarySectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField())
    note = serializers.CharField()
    numbers = serializers.DictField()


class TermSummarySerializer(serializers.Serializer):
    term = TermSerializer()
    sections = SummarySectionSerializer(many=True)


class PingSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    institution = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    """An error (RFC 9457), sent as application/problem+json in the client's language."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    code = serializers.CharField()
    detail = serializers.CharField(required=False)
    errors = serializers.DictField(required=False)
