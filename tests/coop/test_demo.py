"""The demo data of `make run`: never on a production database, complete and idempotent."""

import pytest
from django.core.management import CommandError, call_command

from coop.models import User

pytestmark = pytest.mark.django_db


def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="runs only with DEBUG=1"):
        call_command("seed_demo")
    assert not User.objects.exists()
