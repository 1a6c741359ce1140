"""The login page (throttled, with the second factor for accounts that turned it on) and the
page where users change their own password."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import authenticate, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import devices_for_user
from django_otp import verify_token as otp_verify_token

from accounts import services
from accounts.security import (
    clear_failures,
    client_ip,
    locked_message,
    register_failure,
    retry_after,
    wait_text,
)


def verified_device(user, token: str):
    """The user's confirmed device accepting this code, or None."""
    token = (token or "").strip().replace(" ", "")
    if not token:
        return None
    for device in devices_for_user(user, confirmed=True):
        verified = otp_verify_token(user, device.persistent_id, token)
        if verified is not None:
            return verified
    return None


class LoginForm(AuthenticationForm):
    """Username, password and, for accounts with two-factor authentication, the code.

    One message covers a wrong username, password or code, so the page reveals neither whether
    the account exists nor whether the password was right; a locked account or address gets one
    other message, the same for unknown usernames."""

    otp_token = forms.CharField(
        label=gettext_lazy("Code from the authenticator app (if two-factor authentication is on)"),
        required=False,
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}
        ),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": gettext_lazy("The username, password or code is incorrect."),
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is None or not password:
            return self.cleaned_data
        ip = client_ip(self.request)
        if wait := retry_after(username, ip):
            raise ValidationError(locked_message(wait), code="locked")
        # The backend counts a wrong password (accounts.security.ThrottledModelBackend).
        self.user_cache = authenticate(self.request, username=username, password=password)
        if self.user_cache is None:
            if wait := retry_after(username, ip):
                raise ValidationError(locked_message(wait), code="locked")
            raise self.get_invalid_login_error()
        self.confirm_login_allowed(self.user_cache)
        if any(devices_for_user(self.user_cache, confirmed=True)):
            device = verified_device(self.user_cache, self.cleaned_data.get("otp_token", ""))
            if device is None:
                self.user_cache = None
                if wait := register_failure(username, ip):
                    raise ValidationError(locked_message(wait), code="locked")
                raise self.get_invalid_login_error()
            # django_otp marks the session verified when the user logs in (user_logged_in).
            self.user_cache.otp_device = device
        clear_failures(username)
        return self.cleaned_data


class LoginView(auth_views.LoginView):
    form_class = LoginForm


class OwnPasswordChangeForm(PasswordChangeForm):
    """The current password is throttled like the login (accounts.security), with the same
    counters: a wrong one counts against the account and the address, and during a delay even
    the right one is refused unchecked."""

    def __init__(self, user, *args, request=None, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self):
        ip = client_ip(self.request)
        if wait := retry_after(self.user.get_username(), ip):
            raise ValidationError(self.locked_message(wait), code="locked")
        try:
            return super().clean_old_password()
        except ValidationError:
            wait = register_failure(self.user.get_username(), ip, user=self.user,
                                    action="user.password_change_locked")
            if wait:
                raise ValidationError(self.locked_message(wait), code="locked") from None
            raise

    @staticmethod
    def locked_message(seconds: int) -> str:
        return _("Too many wrong current passwords. Please try again in %(wait)s.") % {
            "wait": wait_text(seconds)}

    def save(self, commit=True):  # the view saves through accounts.services.set_password
        raise NotImplementedError


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@login_required
def password_change(request):
    form = OwnPasswordChangeForm(request.user, request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_password(
                by=request.user, user=request.user, password=form.cleaned_data["new_password1"],
                ip_address=client_ip(request),
            )
        except ValidationError as exc:
            form.add_error("new_password2", exc)
        else:
            update_session_auth_hash(request, request.user)
            clear_failures(request.user.get_username())
            messages.success(request, _("Your password has been changed."))
            return redirect("password_change")
    return render(request, "accounts/password_change.html", {"form": form})
