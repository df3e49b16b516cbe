"""The Redis cache, failing open: with Redis unreachable a read is a miss and a write is
dropped (logged), so sign-in (whose rate limits live in the cache) and every page keep working
through a Redis outage; rate limiting resumes when Redis is back."""

import logging

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
