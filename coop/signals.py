"""Signals the core sends so that apps depending on it can react without the core importing them."""

from django.dispatch import Signal

# Sent by coop.services.invitation_accept with `membership` after a person joins a tenant.
membership_joined = Signal()
