from django.utils.functional import SimpleLazyObject

from people.roles import Role, has_role, is_administrator
from people.utils import is_hr


def roles(request):
    """Which navigation a user gets; lazy so pages that don't ask cost no query."""
    user = request.user

    def compute():
        return {
            "hr": user.is_authenticated and is_hr(user),
            "trainer": has_role(user, Role.TRAINER) or is_administrator(user),
            "administrator": is_administrator(user),
        }

    return {"user_roles": SimpleLazyObject(compute)}
