"""`{% if request|may:"placements:theme_create" %}`: a page shows a link or a button only to
the roles its view lets in (coop.access.view_roles), never by comparing role names itself.
Loaded in every template (TEMPLATES builtins)."""

from django import template

from coop.access import may_open

register = template.Library()


@register.filter
def may(request, url_name):
    return may_open(request, url_name)
