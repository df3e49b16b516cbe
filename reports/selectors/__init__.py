"""Reads of the reports app, one module per area; every name is importable from here."""

from .compliance import *  # noqa: F403
from .core import *  # noqa: F403
from .evaluations import *  # noqa: F403
