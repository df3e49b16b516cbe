"""Emails sent exactly once in effect, for every row that owes one (`coop.models.EmailDelivery`:
digests, notifications, invitations, emailed links).

    if delivery_claim(row):        # the attempt is recorded, with a lease
        send the email             # a crash here leaves the lease to expire
        delivery_done(row)         # never sent again

- Two senders (a redelivered message, the sweeper, a second worker) cannot both hold a row's
  lease: the claim is one conditional UPDATE.
- A sender that dies before `delivery_done` leaves a row with an expired lease and no
  `sent_at`: the sweeper finds it (`deliveries_unsent`) and sends it again. The one window for
  a second copy is between the mail server's acceptance and the UPDATE that follows it (which
  is retried through a database blip while the lease holds); the email's Message-ID is the
  row's own (`delivery_message_id`), so a mail client shows that rare second copy as the same
  message.
- A sender that fails (SMTP refused, database gone) releases its lease and the task retries.
"""

import contextlib
import time
from datetime import timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .mail import language_for, mail_send, site_url
from .tokens import hash_token


def lease():
    """How long a sender holds a row (settings.EMAIL_DELIVERY_LEASE): longer than one email
    takes to send (the SMTP timeout), shorter than anyone should wait."""
    return timedelta(seconds=settings.EMAIL_DELIVERY_LEASE)


def _row(obj):
    return type(obj)._base_manager.filter(pk=obj.pk)


def _free(now):
    return Q(send_claimed_until__isnull=True) | Q(send_claimed_until__lt=now)


def delivery_claim(obj, **still):
    """Claims `obj`'s email for one sender (True), unless it was sent or another sender holds
    it (False). `still` are conditions the row must still meet (e.g. its token)."""
    now = timezone.now()
    until = now + lease()
    claimed = _row(obj).filter(_free(now), sent_at__isnull=True, **still).update(send_claimed_until=until)
    if claimed:
        obj.send_claimed_until = until
    return claimed == 1


def delivery_claimable(obj):
    """`obj`'s row if its email is owed and nobody holds it (a queryset: `.update()` it)."""
    return _row(obj).filter(_free(timezone.now()), sent_at__isnull=True)


def delivery_done(obj):
    now = timezone.now()
    _row(obj).filter(sent_at__isnull=True).update(sent_at=now, send_claimed_until=None)
    obj.sent_at = now


def delivery_release(obj):
    """Gives the claim back after a failed send, so that a retry need not wait for the lease."""
    _row(obj).filter(sent_at__isnull=True).update(send_claimed_until=None)


def _mark_sent(obj):
    """Marks a sent email's row, through a database blip: the email is out, so giving up here
    would send it again. Retried while this sender's lease holds (nobody else may send it)."""
    deadline = time.monotonic() + lease().total_seconds() / 2
    while True:
        try:
            return delivery_done(obj)
        except (OperationalError, InterfaceError):
            if time.monotonic() > deadline or connection.in_atomic_block:
                raise
            connection.close()  # a new connection on the next query
            time.sleep(0.1)


def delivery_send_claimed(obj, send):
    """Sends the email of a row this sender has claimed, then marks it sent."""
    try:
        send()
    except BaseException:
        with contextlib.suppress(OperationalError, InterfaceError):  # the lease expires anyway
            delivery_release(obj)
        raise
    _mark_sent(obj)
    return True


def deliver_once(obj, send, **still):
    """Sends `obj`'s email with `send()` unless it was sent or is being sent. True if it sent."""
    if not delivery_claim(obj, **still):
        return False
    return delivery_send_claimed(obj, send)


def deliveries_unsent(queryset, *, older_than):
    """The rows of `queryset` whose email is owed, not being sent, and older than `older_than`
    (their first sender had its chance): the sweeper's work. `queryset`'s model has `created_at`."""
    now = timezone.now()
    return queryset.filter(_free(now), sent_at__isnull=True, created_at__lt=now - older_than)


def delivery_message_id(obj, domain="coop-portal"):
    """The Message-ID of `obj`'s email: the same for every attempt at it."""
    return f"<{obj._meta.label_lower}.{obj.tenant_id}.{obj.pk}@{domain}>"


def link_email_once(link, *, tenant, url_name, template, token):
    """Emails a single-use link (coop.tokens.SingleUseLink with a contact) to its person once,
    in their language or the tenant's. A message whose token the sweeper replaced sends nothing."""
    path = reverse(url_name, kwargs={"tenant_slug": tenant.slug, "token": token})
    return deliver_once(
        link,
        lambda: mail_send(
            template=template,
            context={"link": link, "placement": link.placement, "tenant": tenant, "url": site_url(path)},
            to=[link.email],
            language=language_for(link.contact.user, tenant),
            message_id=delivery_message_id(link),
        ),
        token_hash=hash_token(token),
    )
