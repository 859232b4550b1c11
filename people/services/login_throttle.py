"""Login throttling: too many failures for one account or from one address lock it for a while.

Counters live in the default cache, which is shared by every server process.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"login-failures:{kind}:{digest}"


def _limits():
    return (
        ("user", settings.LOGIN_FAILURE_LIMIT),
        ("ip", settings.LOGIN_IP_FAILURE_LIMIT),
    )


def seconds_locked(*, username: str, ip: str) -> int:
    """How long this username or address must still wait; 0 if it may try now."""
    now = time.time()
    remaining = 0
    for (kind, limit), value in zip(_limits(), (username, ip), strict=True):
        count, first_at = cache.get(_key(kind, value), (0, now))
        if count >= limit:
            remaining = max(remaining, int(first_at + settings.LOGIN_FAILURE_WINDOW - now) + 1)
    return remaining


def register_failure(*, username: str, ip: str) -> None:
    now = time.time()
    for (kind, _limit), value in zip(_limits(), (username, ip), strict=True):
        key = _key(kind, value)
        count, first_at = cache.get(key, (0, now))
        elapsed = now - first_at
        cache.set(
            key, (count + 1, first_at), timeout=max(1, int(settings.LOGIN_FAILURE_WINDOW - elapsed))
        )


def clear(*, username: str) -> None:
    """A successful login forgives the account's earlier failures (not the address's)."""
    cache.delete(_key("user", username))
