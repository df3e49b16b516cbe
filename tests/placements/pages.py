"""Helpers of the form-path tests: post a page as a person would and read what it showed."""

from django.contrib.messages import get_messages
from django.urls import reverse


def url(name, tenant, **kwargs):
    return reverse(f"placements:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


def post(client, path, data=None, **extra):
    """Posts as a fresh page load would: messages shown by earlier requests are gone."""
    client.cookies.pop("messages", None)
    return client.post(path, data or {}, **extra)


def shown(response):
    """The messages the response leaves for the next page, as the person reads them."""
    return [str(m) for m in get_messages(response.wsgi_request)]
