from people.models import AuditEntry


def record(*, actor, action: str, target: object = "", **data) -> AuditEntry:
    """Write an audit entry; call it inside the transaction of the change it describes."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target=str(target)[:200],
        data=data,
    )
