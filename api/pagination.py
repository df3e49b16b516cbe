"""Cursor pagination in a stable order, (updated_at, id) where the rows have updated_at, else
id; the cursor is opaque (base64 of the last row's key). `updated_since` starts an incremental
sync: the rows changed at or after a time, oldest first, to page through to the end."""

import base64
import binascii
import json

from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

from .problems import Problem

DEFAULT_LIMIT = 100
MAX_LIMIT = 500


def _bad(field, message):
    raise Problem(400, "invalid", f"{field}: {message}")


def encode_cursor(values):
    return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor):
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        values = None
    if not isinstance(values, list) or len(values) not in (1, 2) or not isinstance(values[-1], int):
        _bad("cursor", _("This cursor is not one the API gave."))
    return values


def parse_updated_since(value):
    moment = parse_datetime(value) if value else None
    if moment is None:
        _bad("updated_since", _("Give a date and time such as 2026-04-01T00:00:00+09:00."))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class KeysetPagination(BasePagination):
    def paginate_queryset(self, queryset, request, view=None):
        field = getattr(view, "updated_field", "updated_at")
        params = request.query_params
        try:
            self.limit = min(MAX_LIMIT, max(1, int(params.get("limit", DEFAULT_LIMIT))))
        except ValueError:
            _bad("limit", _("Give a number from 1 to %(max)s.") % {"max": MAX_LIMIT})
        if params.get("updated_since"):
            if not field:
                _bad("updated_since", _("This list has no change times; page through it by cursor."))
            queryset = queryset.filter(**{f"{field}__gte": parse_updated_since(params["updated_since"])})
        if params.get("cursor"):
            values = decode_cursor(params["cursor"])
            if field and len(values) == 2:
                moment = parse_datetime(str(values[0]))
                if moment is None:
                    _bad("cursor", _("This cursor is not one the API gave."))
                queryset = queryset.filter(Q(**{f"{field}__gt": moment}) | Q(**{field: moment, "id__gt": values[1]}))
            elif not field and len(values) == 1:
                queryset = queryset.filter(id__gt=values[0])
            else:
                _bad("cursor", _("This cursor is not one the API gave."))
        order = [field, "id"] if field else ["id"]
        rows = list(queryset.order_by(*order)[: self.limit + 1])
        self.has_more = len(rows) > self.limit
        rows = rows[: self.limit]
        self.next_cursor = None
        if self.has_more:
            last = rows[-1]
            key = [getattr(last, field).isoformat(), last.pk] if field else [last.pk]
            self.next_cursor = encode_cursor(key)
        self.request = request
        return rows

    def get_paginated_response(self, data):
        next_url = None
        if self.next_cursor:
            params = self.request.query_params.copy()
            params["cursor"] = self.next_cursor
            next_url = self.request.build_absolute_uri(f"{self.request.path}?{params.urlencode()}")
        return Response({"next_cursor": self.next_cursor, "next": next_url, "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["results", "next_cursor", "next"],
            "properties": {
                "next_cursor": {"type": "string", "nullable": True},
                "next": {"type": "string", "format": "uri", "nullable": True},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        parameters = [
            {
                "name": "cursor",
                "in": "query",
                "required": False,
                "schema": {"type": "string"},
                "description": "next_cursor of the previous page",
            },
            {
                "name": "limit",
                "in": "query",
                "required": False,
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
            },
        ]
        if getattr(view, "updated_field", "updated_at"):
            parameters.append(
                {
                    "name": "updated_since",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "format": "date-time"},
                    "description": "only rows changed at or after this time (incremental sync)",
                }
            )
        return parameters
