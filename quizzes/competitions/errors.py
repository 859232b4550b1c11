from lianbing.errors import DomainError


class CompetitionError(DomainError):
    """A refusal by a competition service (release, judging, awards)."""
