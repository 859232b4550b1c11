"""Rotating sign-in codes for class sessions: pure functions of a key and the clock.

The venue's screen shows a QR code for the current window; a code is accepted while it is at
most `MAX_AGE_WINDOWS` windows old, so a photo sent to someone outside the room stops
working within a minute, and a code for one session is worthless for another (each session
keys its own codes).
"""

import hashlib
import hmac
import time

WINDOW_SECONDS = 20
MAX_AGE_WINDOWS = 2  # the current window and up to two before it: ≤ 60 s
CODE_LENGTH = 12


def window_at(timestamp: float) -> int:
    return int(timestamp // WINDOW_SECONDS)


def current_window() -> int:
    return window_at(time.time())


def code_for(*, key: str, session_id: int, window: int) -> str:
    message = f"{session_id}:{window}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()[:CODE_LENGTH]


class CodeProblem:
    FORGED = "forged"
    EXPIRED = "expired"


def check_code(*, key: str, session_id: int, window: int, code: str, now_window: int) -> str:
    """ "" when the code is good now; otherwise CodeProblem.FORGED or CodeProblem.EXPIRED."""
    expected = code_for(key=key, session_id=session_id, window=window)
    if not hmac.compare_digest(expected, (code or "").lower()):
        return CodeProblem.FORGED
    # One window ahead is tolerated: the screen's clock may run slightly ahead of ours.
    if not (now_window - MAX_AGE_WINDOWS <= window <= now_window + 1):
        return CodeProblem.EXPIRED
    return ""
