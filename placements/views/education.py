from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from coop.access import EVERY_ROLE, MANAGERS, require_role
from coop.downloads import file_download
from coop.models import Role, User

from ..access import get_submission_for_user, get_theme_for_user
from ..forms.education import CourseSessionForm, PreAssignmentForm, SubmissionForm
from ..models import Attendance, CourseSession, PreAssignment, Submission, Theme
from ..services import education as services


@require_role(MANAGERS)
def session_add(request, tenant_slug, pk):
    theme = get_object_or_404(Theme, pk=pk)
    form = CourseSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.course_session_create(theme=theme, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Course session added."))
            return redirect(theme)
    return render(request, "placements/education/session_form.html", {"form": form, "theme": theme})


@require_role(MANAGERS)
def attendance(request, tenant_slug, pk):
    session = get_object_or_404(CourseSession.objects.select_related("theme"), pk=pk)
    marks = {a.student_id: a.status for a in Attendance.objects.filter(session=session)}
    students = User.objects.filter(pk__in=session.theme.applications.values("student_id")) | User.objects.filter(
        pk__in=list(marks)
    )
    students = students.distinct().order_by("full_name", "email")
    if request.method == "POST":
        statuses = {}
        for student in students:
            value = request.POST.get(f"student-{student.pk}")
            if value:
                statuses[student.pk] = value
        try:
            services.attendance_record(session=session, by=request.user, statuses=statuses)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Attendance saved."))
            return redirect(session.theme)
    rows = [(student, marks.get(student.pk, "")) for student in students]
    return render(
        request,
        "placements/education/attendance.html",
        {"session": session, "rows": rows, "statuses": Attendance.Status.choices},
    )


@require_role(MANAGERS)
def assignment_add(request, tenant_slug, pk):
    theme = get_object_or_404(Theme, pk=pk)
    form = PreAssignmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.pre_assignment_create(theme=theme, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Pre-assignment added."))
            return redirect(theme)
    return render(request, "placements/education/assignment_form.html", {"form": form, "theme": theme})


@require_role(EVERY_ROLE)
def assignment_detail(request, tenant_slug, pk):
    """Students read the assignment and submit; staff and the partner read the submissions."""
    role = request.membership.role
    assignment = get_object_or_404(PreAssignment, pk=pk)
    theme = get_theme_for_user(request, assignment.theme_id)  # 404 unless the theme is visible
    context = {"assignment": assignment, "theme": theme}
    if role == Role.STUDENT:
        mine = Submission.objects.filter(assignment=assignment, student=request.user).first()
        form = SubmissionForm(request.POST or None, request.FILES or None, instance=mine)
        if request.method == "POST" and form.is_valid():
            try:
                services.submission_submit(
                    assignment=assignment,
                    student=request.user,
                    text=form.cleaned_data["text"],
                    file=form.cleaned_data.get("file"),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your answer was submitted."))
                return redirect("placements:assignment_detail", tenant_slug=tenant_slug, pk=pk)
        context.update(form=form, mine=mine)
    elif role in MANAGERS or role == Role.PARTNER:
        if request.method == "POST":
            raise PermissionDenied
        context["submissions"] = assignment.submissions.select_related("student").order_by("submitted_at")
    elif request.method == "POST":
        raise PermissionDenied
    return render(request, "placements/education/assignment_detail.html", context)


@never_cache
@require_GET
@require_role(MANAGERS | {Role.PARTNER, Role.STUDENT})
def submission_file(request, tenant_slug, pk):
    """The file of a pre-assignment answer, for its student, the office and the theme's partner."""
    submission = get_submission_for_user(request, pk)
    return file_download(
        request,
        submission.file,
        filename=submission.file.name.rsplit("/", 1)[-1] if submission.file else "",
        what=f"submission_file:{submission.pk}",
        as_attachment=True,
    )


urlpatterns = [
    path("themes/<int:pk>/sessions/new/", session_add, name="session_add"),
    path("sessions/<int:pk>/attendance/", attendance, name="attendance"),
    path("themes/<int:pk>/assignments/new/", assignment_add, name="assignment_add"),
    path("assignments/<int:pk>/", assignment_detail, name="assignment_detail"),
    path("submissions/<int:pk>/file/", submission_file, name="submission_file"),
]
