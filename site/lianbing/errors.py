class DomainError(Exception):
    """A refusal by a service, with a stable code for callers and a message for users."""

    code = "error"

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code

    def __str__(self):
        return self.message
