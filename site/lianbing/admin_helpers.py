"""Small pieces every app's Wagtail admin pages share."""

from django.core.exceptions import PermissionDenied
from wagtail.admin.menu import MenuItem


class PermissionRequiredMixin:
    """Refuse with 403 unless the user holds every permission in `permissions`."""

    permissions: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perms(self.permissions):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PermissionMenuItem(MenuItem):
    """A menu item shown only to users holding `permission`."""

    def __init__(self, *args, permission: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)
