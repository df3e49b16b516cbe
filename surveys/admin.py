"""The Django admin (platform operators only) lists survey forms and rounds read-only."""

from django.contrib import admin

from .models import SurveyForm, SurveyRound


@admin.register(SurveyForm)
class SurveyFormAdmin(admin.ModelAdmin):
    list_display = ("name", "version", "tenant", "is_current", "created_at")
    list_filter = ("is_current",)
    readonly_fields = ("tenant", "code", "version", "questions", "created_by", "created_at")


@admin.register(SurveyRound)
class SurveyRoundAdmin(admin.ModelAdmin):
    list_display = ("form", "program", "term", "opens_on", "closes_on", "tenant")
    readonly_fields = ("tenant", "form", "program", "term", "created_by", "created_at")
