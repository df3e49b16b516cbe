"""Small helpers shared by views of every app."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect


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
