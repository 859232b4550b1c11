from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher as DjangoPBKDF2PasswordHasher


class PBKDF2PasswordHasher(DjangoPBKDF2PasswordHasher):
    """Django's PBKDF2-SHA256 at settings.PASSWORD_PBKDF2_ITERATIONS (OWASP's 600,000 by
    default, against Django 6.1's 1,500,000).

    On exam day the whole service logs in within minutes: at Django's count each login is
    ~0.34 s of CPU on a 2-core machine, and 1,000 of them crowd out the exam itself
    (bench/exam_load.py). OWASP's Password Storage Cheat Sheet sets 600,000 iterations for
    PBKDF2-HMAC-SHA256. Same algorithm name: existing hashes verify, and Django re-hashes
    them at this count at the next login.
    """

    @property
    def iterations(self) -> int:
        return settings.PASSWORD_PBKDF2_ITERATIONS


class InitialPasswordHasher(DjangoPBKDF2PasswordHasher):
    """Hashes generated initial passwords, which are random and short-lived.

    A roster import may create hundreds of accounts in one request; the default hasher's
    cost per password would make that take minutes. Because it is not the first hasher,
    Django re-hashes with the default at the first successful login.
    """

    algorithm = "pbkdf2_sha256_initial"
    iterations = 20_000
