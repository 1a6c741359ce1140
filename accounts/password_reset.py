"""Password reset by e-mail ("Quên mật khẩu") on Django's auth views.

The request page answers the same way whether or not an account has the address (no user
enumeration); the link is signed and expires (PASSWORD_RESET_TIMEOUT); the new password is set
through accounts.services.set_password, so it is validated and audited like any other change.
Requests are throttled per address with the login counters' cache."""

from __future__ import annotations

from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.urls import reverse_lazy

from accounts import services
from accounts.security import clear_failures, client_ip

MAX_REQUESTS_PER_HOUR = 5


class ResetRequestForm(auth_forms.PasswordResetForm):
    def save(self, *args, request=None, **kwargs):
        # Past the limit the page still says "sent" (nothing told about accounts), but no mail leaves.
        key = f"pwreset:{client_ip(request) if request else '-'}"
        count = cache.get(key, 0)
        if count >= MAX_REQUESTS_PER_HOUR:
            return
        cache.set(key, count + 1, 3600)
        super().save(*args, request=request, **kwargs)


class ResetSetPasswordForm(auth_forms.SetPasswordForm):
    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def save(self, commit=True):
        services.set_password(by=self.user, user=self.user, password=self.cleaned_data["new_password1"],
                              ip_address=client_ip(self.request) if self.request else None,
                              reason="password reset by e-mail")
        clear_failures(self.user.get_username())
        return self.user


class RequestView(auth_views.PasswordResetView):
    form_class = ResetRequestForm
    template_name = "registration/reset_request.html"
    email_template_name = "registration/reset_email.txt"
    subject_template_name = "registration/reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")


class DoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/reset_done.html"


class ConfirmView(auth_views.PasswordResetConfirmView):
    form_class = ResetSetPasswordForm
    template_name = "registration/reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


class CompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/reset_complete.html"
