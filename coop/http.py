"""Small helpers shared by views of every app."""

from allauth.core import ratelimit
from allauth.core.internal.httpkit import get_client_ip
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect


def client_ip(request):
    """The client's address: behind TRUSTED_PROXY_COUNT proxies, the one they saw (from
    X-Forwarded-For, counted from the right, so a client cannot forge it); otherwise the peer.
    The one reading used by sign-in limits, signatures and link logs."""
    return get_client_ip(request)


def anonymous_upload(max_bytes):
    """View decorator: a visitor without an account may send a body up to `max_bytes` here (a
    form with a file), instead of ANONYMOUS_REQUEST_MAX_BYTES (coop.middleware)."""

    def decorator(view):
        view.anonymous_upload_max_bytes = max_bytes
        return view

    return decorator


def rate_limited(request, action, *, key=None):
    """Counts one `action` against its ACCOUNT_RATE_LIMITS (allauth's limiter, the one that
    guards sign-in, per client address or per `key`): True when the limit is reached."""
    return not ratelimit.consume(request, action=action, key=key)


def error_text(error):
    return " ".join(error.messages)


def run_action(request, action, *, success, redirect_to):
    """Runs a service call from a POST button: a message either way, then back to `redirect_to`.

    A refused transition is a ValidationError from the service; nothing was written.
    """
    try:
        action()
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, success)
    return redirect(redirect_to)
