"""The Redis cache, failing open: with Redis unreachable a read is a miss and a write is
dropped (logged), so sign-in (whose rate limits live in the cache) and every page keep working
through a Redis outage; rate limiting resumes when Redis is back."""

import contextlib
import hashlib
import logging
import time

import redis.exceptions
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)
ERRORS = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


def _failing_open(name, fallback):
    def method(self, *args, **kwargs):
        try:
            return getattr(super(FailOpenRedisCache, self), name)(*args, **kwargs)
        except ERRORS as error:
            logger.warning("cache %s failed open (Redis unreachable: %s)", name, error)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    method.__name__ = name
    return method


def _default(key, default=None, *args, **kwargs):
    return default


class FailOpenRedisCache(RedisCache):
    get = _failing_open("get", _default)
    get_many = _failing_open("get_many", {})
    has_key = _failing_open("has_key", False)
    add = _failing_open("add", True)  # a lock or counter we cannot take does not block
    set = _failing_open("set", None)
    set_many = _failing_open("set_many", [])
    touch = _failing_open("touch", False)
    incr = _failing_open("incr", lambda key, delta=1, *args, **kwargs: delta)
    delete = _failing_open("delete", False)
    delete_many = _failing_open("delete_many", None)
    clear = _failing_open("clear", None)


# --- Versions: whether what a cached figure derives from changed --------------------------------


def _version_key(name, tenant_id):
    return f"coop:version:{name}:{tenant_id}"


def tenant_version(name, tenant_id):
    """The current version of a tenant's `name` records (e.g. "records": its placements and
    reports), to key a cached figure derived from them. A version lost from the cache starts
    again at a new value (the clock's), never at one a stale figure was keyed with."""
    from django.core.cache import cache  # read once settings are configured

    key = _version_key(name, tenant_id)
    version = cache.get(key)
    if version is None:
        cache.add(key, time.time_ns(), timeout=None)
        version = cache.get(key)
    return version


def tenant_version_bump(name, tenant_id):
    """Marks the tenant's `name` records changed: figures keyed with the old version are stale.
    Bumped when a row is written and again when its transaction commits, so that a figure
    computed in between (from the old rows) is not kept under the new version."""
    from django.core.cache import cache  # read once settings are configured
    from django.db import transaction  # likewise

    def bump():
        with contextlib.suppress(ValueError):  # no version yet: the next reader starts one
            cache.incr(_version_key(name, tenant_id))

    bump()
    transaction.on_commit(bump)


def cached_while_unchanged(name, tenant_id, parts, compute, seconds=300):
    """compute()'s value, kept while the tenant's `name` records keep their version (and at
    most `seconds`), under a key made of `parts` (anything with a stable repr)."""
    from django.core.cache import cache  # read once settings are configured

    source = repr((name, tenant_id, tenant_version(name, tenant_id), parts))
    key = f"coop:cached:{name}:" + hashlib.sha256(source.encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, seconds)
    return found
