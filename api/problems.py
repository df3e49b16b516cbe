"""Errors as RFC 9457 problem details (application/problem+json), in the language the client
asks for (Accept-Language; Japanese by default)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

CONTENT_TYPE = "application/problem+json"


class Problem(exceptions.APIException):
    """An error of ours with a status and a code: raise Problem(422, "idempotency_key_reused", msg)."""

    def __init__(self, status_code, code, detail):
        self.status_code = status_code
        super().__init__(detail=detail, code=code)


def _title(code, status_code):
    titles = {
        "not_authenticated": _("The API token is missing."),
        "authentication_failed": _("The API token is unknown, expired or revoked."),
        "permission_denied": _("The API token does not allow this."),
        "not_found": _("Not found."),
        "throttled": _("Too many requests."),
        "invalid": _("The request is not valid."),
        "parse_error": _("The request body is not valid JSON."),
        "method_not_allowed": _("This method is not allowed here."),
        "unsupported_media_type": _("Send the request body as application/json."),
        "idempotency_key_reused": _("This Idempotency-Key was used with another request."),
        "not_acceptable": _("The requested response format is not available."),
    }
    return titles.get(code) or _("The request failed (%(status)s).") % {"status": status_code}


def problem_response(status_code, code, detail=None, errors=None, headers=None):
    body = {
        "type": f"https://coop.invalid/problems/{code}",
        "title": str(_title(code, status_code)),
        "status": status_code,
        "code": code,
    }
    if detail:
        body["detail"] = str(detail)
    if errors:
        body["errors"] = errors
    return Response(body, status=status_code, headers=headers, content_type=CONTENT_TYPE)


def _flatten(detail):
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten(value) for value in detail]
    return str(detail)


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):  # a service refused (the same messages as the pages)
        messages = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return problem_response(status.HTTP_400_BAD_REQUEST, "invalid", " ".join(exc.messages), messages)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    errors = None
    detail = None
    if isinstance(exc, exceptions.ValidationError):
        code, errors = "invalid", _flatten(exc.detail)
    elif isinstance(exc, (Problem, exceptions.PermissionDenied)):
        detail = exc.detail
    elif isinstance(exc, exceptions.Throttled):
        code = "throttled"
        detail = _("Try again in %(seconds)s seconds.") % {"seconds": exc.wait and int(exc.wait + 0.999)}
    if not isinstance(code, str):
        code = "invalid"
    headers = {k: v for k, v in response.headers.items() if k in ("Retry-After", "WWW-Authenticate", "Allow")}
    return problem_response(response.status_code, code, detail, errors, headers)
