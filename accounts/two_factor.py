"""Two-factor authentication (TOTP) for the accounts that manage users: enrolment with a QR code
drawn on the server (segno, inline SVG), confirmation with a first code, and turning it off with
a current code. Each change writes its audit record."""

from __future__ import annotations

import base64

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.access import can_manage_users, require
from accounts.login import verified_device
from accounts.security import client_ip
from audit import services as audit

DEVICE_NAME = "authenticator"


def can_enrol(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        user.is_superuser or can_manage_users(user)
    )


def has_two_factor(user) -> bool:
    return any(devices_for_user(user, confirmed=True))


def pending_device(user) -> TOTPDevice | None:
    """The unconfirmed device being enrolled, if the user started enrolment: the same secret
    until it is confirmed, so the page can be reloaded after scanning."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()


def start_enrolment(user) -> TOTPDevice:
    """The device being enrolled, created when the user asks to start (a POST, never on
    opening the page)."""
    return pending_device(user) or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


@transaction.atomic
def confirm_device(*, user, device: TOTPDevice, token: str, ip_address: str | None = None) -> bool:
    """Turn two-factor authentication on when the code matches the device being enrolled."""
    token = (token or "").strip().replace(" ", "")
    if device.user_id != user.pk or device.confirmed or not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    audit.record(action="user.2fa_enable", object_type="user", object_id=user.pk, user=user,
                 after={"two_factor": True}, ip_address=ip_address)
    return True


@transaction.atomic
def disable(*, user, token: str, ip_address: str | None = None) -> bool:
    """Turn two-factor authentication off: needs a current code from the device."""
    if verified_device(user, token) is None:
        return False
    TOTPDevice.objects.filter(user=user).delete()
    audit.record(action="user.2fa_disable", object_type="user", object_id=user.pk, user=user,
                 before={"two_factor": True}, after={"two_factor": False}, ip_address=ip_address)
    return True


def qr_svg(uri: str) -> str:
    """The otpauth URI as an inline SVG QR code (no script, no style attribute, no network)."""
    return segno.make(uri, error="m").svg_inline(scale=5, border=2, svgclass="qr", lineclass=None,
                                                    light="#fff")


def manual_key(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app instead of scanning."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i:i + 4] for i in range(0, len(key), 4))


class CodeForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code from the authenticator app"), max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "pattern": "[0-9 ]*", "required": True}),
    )


@never_cache
@login_required
def two_factor(request):
    """Enrolment (or, when it is on already, its state and the way to turn it off). Opening the
    page changes nothing: a button (POST) starts enrolment and creates the device whose QR code
    the page then shows; a second POST with the first code confirms it."""
    require(can_enrol(request.user))
    if has_two_factor(request.user):
        return render(request, "accounts/two_factor.html", {"enabled": True, "form": CodeForm()})
    device = pending_device(request.user)
    if device is None:
        if request.method == "POST":
            start_enrolment(request.user)
            return redirect("two_factor")
        return render(request, "accounts/two_factor.html", {"enabled": False, "started": False})
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if confirm_device(user=request.user, device=device, token=form.cleaned_data["token"],
                          ip_address=client_ip(request)):
            device.refresh_from_db()
            otp_login(request, device)  # this session is verified: it stays signed in
            messages.success(request, _("Two-factor authentication is on."))
            return redirect("two_factor")
        form.add_error("token", _("The code is incorrect. Check the time on your phone and try again."))
    return render(request, "accounts/two_factor.html", {
        "enabled": False, "started": True, "form": form, "qr": mark_safe(qr_svg(device.config_url)),
        "key": manual_key(device),
    })


@never_cache
@login_required
def two_factor_disable(request):
    """Any user with a device may turn it off (a role may have changed since), with a code."""
    if not has_two_factor(request.user):
        return redirect("two_factor" if can_enrol(request.user) else "home")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if disable(user=request.user, token=form.cleaned_data["token"], ip_address=client_ip(request)):
            request.session.pop(DEVICE_ID_SESSION_KEY, None)
            messages.success(request, _("Two-factor authentication is off."))
            return redirect("two_factor" if can_enrol(request.user) else "home")
        form.add_error("token", _("The code is incorrect. Check the time on your phone and try again."))
    return render(request, "accounts/two_factor_disable.html", {"form": form})
