"""Tests choose their date: nothing they expect may depend on the machine's clock.

    @at(2026, 11, 30, 10)          # the test and its fixtures run at 10:00 Tokyo time, clock stopped
    def test_...(travel):
        travel(jst(2026, 12, 1, 9))  # later in the same test

`at` is time-machine's own marker (its fixture starts before every other fixture), with the
clock stopped so that "now" does not drift while a test runs. A separate process (the real Celery
worker) does not see it: pass those tasks their date instead.
"""

import datetime
import zoneinfo

import pytest

JST = zoneinfo.ZoneInfo("Asia/Tokyo")


def jst(year, month, day, hour=12, minute=0):
    """An instant given as the wall-clock time in Tokyo (the tenants' default zone)."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=JST)


def at(year, month, day, hour=12, minute=0):
    """Marker: run the test and its fixtures at this Tokyo time, with the clock stopped."""
    return pytest.mark.time_machine(jst(year, month, day, hour, minute), tick=False)
