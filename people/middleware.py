from django.shortcuts import redirect
from django.urls import reverse


class ForcePasswordChangeMiddleware:
    """Sends users whose password is an initial one to the change form before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = {reverse("people:password_change"), reverse("people:logout")}
            if request.path not in allowed and not request.path.startswith("/static/"):
                return redirect("people:password_change")
        return self.get_response(request)
