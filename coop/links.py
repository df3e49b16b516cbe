"""Single-use emailed links as one capability: invitations, partner feedback/evaluation links
and rater links are all issued, found, opened, used, revoked, re-sent and expired here, and
all answer with the same "this link no longer works" page. Each app keeps only its own form.

A link model inherits `coop.models.EmailedLink` (`token_hash`, `expires_at`, `revoked_at` and
the `coop.tokens.SingleUseLink` status) and adds its used-at field (`USED_FIELD`); only the
token's hash is stored.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from .tokens import hash_token, new_token

MAX_TOKEN_LENGTH = 100


def link_issue(model, *, replaces, **fields):
    """A new link of `model`; a waiting link matching `replaces` (a dict of filters: the same
    person and purpose) is revoked, so a re-send replaces it. Returns (link, raw token).
    Call it inside the caller's transaction; queue the email with transaction.on_commit."""
    model.objects.filter(**replaces, **{f"{model.USED_FIELD}__isnull": True}, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    token = new_token()
    return model.objects.create(token_hash=hash_token(token), **fields), token


def link_for_token(queryset, token):
    """The link with this token among `queryset` (already limited to one tenant), or None for
    an unknown, tampered or another tenant's token."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return queryset.filter(token_hash=hash_token(token)).first()


def link_opened(link):
    """Records the first opening (later ones are the caller's log, if it keeps one)."""
    if link.opened_at is None:
        now = timezone.now()
        type(link).objects.filter(pk=link.pk, opened_at__isnull=True).update(opened_at=now)
        link.opened_at = now


def link_check_pending(link, message=None):
    if link.status != "pending":
        raise ValidationError(message or _("This link is no longer valid."))


def link_use(link, message=None, **also):
    """Marks a waiting link used, once, even when two submissions race; `also` are further
    fields to write in the same update (e.g. who accepted an invitation)."""
    model = type(link)
    now = timezone.now()
    with transaction.atomic():
        claimed = model.objects.filter(model.status_q(now=now), pk=link.pk).update(**{model.USED_FIELD: now}, **also)
    if claimed != 1:
        raise ValidationError(message or _("This link is no longer valid."))
    setattr(link, model.USED_FIELD, now)


def link_revoke(link, message=None):
    """Withdraws a waiting link."""
    if link.status != "pending":
        raise ValidationError(message or _("Only a waiting link can be revoked."))
    type(link).objects.filter(pk=link.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    link.refresh_from_db()
    return link


def link_refused(request, link, *, reason=None, sign_in=False, entrant=False, again_url=""):
    """The one page for a link that does not (or no longer) work: 404 for an unknown token
    (it says nothing about whether one existed), 410 for a used, revoked, expired or closed one.
    The holder is told to ask the placement office for a new link, except an `entrant` (a
    visitor's entry to a public project), who enters again (from `again_url`, when known)."""
    reason = reason or (link.status if link is not None else "unknown")
    context = {"reason": reason, "link": link, "sign_in": sign_in, "entrant": entrant, "again_url": again_url}
    response = render(request, "coop/link_invalid.html", context, status=404 if link is None else 410)
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
