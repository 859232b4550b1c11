from django.contrib.auth.hashers import PBKDF2PasswordHasher


class InitialPasswordHasher(PBKDF2PasswordHasher):
    """Hashes generated initial passwords, which are random and short-lived.

    A roster import may create hundreds of accounts in one request; the default hasher's
    cost per password would make that take minutes. Because it is not the first hasher,
    Django re-hashes with the default at the first successful login.
    """

    algorithm = "pbkdf2_sha256_initial"
    iterations = 20_000
