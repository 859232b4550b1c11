"""Authentication backend: the user of every request comes with what every page asks."""

from django.contrib.auth.backends import ModelBackend
from django.db.models import StringAgg, Value

# A separator no group name holds (names are typed in the admin).
_SEPARATOR = "\x1f"


class UserWithRolesBackend(ModelBackend):
    """ModelBackend whose get_user also reads the officer profile (with its unit) and the
    role names.

    Every page's navigation asks for the roles, most officer pages for the profile, and
    audience checks (exams, courses assigned by unit) for the unit; in the one query that
    loads the session's user they cost no extra round trip.
    """

    def get_user(self, user_id):
        from django.contrib.auth import get_user_model

        users = (
            get_user_model()
            ._default_manager.select_related("officer__unit")
            .annotate(_role_names=StringAgg("groups__name", Value(_SEPARATOR), default=""))
        )
        try:
            user = users.get(pk=user_id)
        except users.model.DoesNotExist:
            return None
        if not self.user_can_authenticate(user):
            return None
        # people.roles.has_role reads this cache; it is the same set it would query.
        user._lianbing_roles = set(filter(None, user._role_names.split(_SEPARATOR)))
        return user
