from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from people.forms import EmployeeLoginForm, PasswordChangeForm
from people.services import audit


class LoginView(auth_views.LoginView):
    template_name = "people/login.html"
    form_class = EmployeeLoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "people/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("dashboard")

    def form_valid(self, form):
        forced = self.request.user.must_change_password
        response = super().form_valid(form)
        audit.record(actor=self.request.user, action="password.changed", target=self.request.user)
        messages.success(self.request, _("密码已修改。"))
        if forced:
            messages.info(self.request, _("欢迎使用练兵平台！"))
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["forced"] = self.request.user.must_change_password
        return context
