"""Platform operators set up a consortium in the Django admin: its name, its member
institutions (with the day each joined) and its coordinators. Everything else is done in the
consortium's and the members' own pages."""

from django.contrib import admin

from .models import Consortium, ConsortiumCoordinator, ConsortiumMember


class MemberInline(admin.TabularInline):
    model = ConsortiumMember
    extra = 1


class CoordinatorInline(admin.TabularInline):
    model = ConsortiumCoordinator
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Consortium)
class ConsortiumAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "slug"]
    inlines = [MemberInline, CoordinatorInline]
