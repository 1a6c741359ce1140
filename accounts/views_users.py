"""User management for province administrators: list, create, edit, reset a password,
deactivate and reactivate. Accounts are never deleted (the audit trail points at them)."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import services
from accounts.access import can_manage_users, require, scope_for, users_q
from accounts.forms import (
    ActivationForm,
    SetPasswordForm,
    UserCreateForm,
    UserEditForm,
    UserFilterForm,
)
from accounts.security import client_ip

User = get_user_model()
PAGE_SIZE = 50


def _ip(request) -> str | None:
    return client_ip(request)


def manageable_users(requester):
    """The accounts the requester may see and manage here: a superuser sees all; a province
    administrator never sees superusers or staff members, and of the others those of its
    province and those without a role yet (services.may_manage)."""
    qs = User.objects.all()
    if not requester.is_superuser:
        qs = qs.exclude(Q(is_superuser=True) | Q(is_staff=True))
        if scope_for(requester).readable is not None:
            qs = qs.filter(users_q(requester) | Q(profile__isnull=True))
    return qs


def admin_only(view):
    """Logged in and allowed to manage users (403 otherwise), checked before anything else."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        require(can_manage_users(request.user))
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def _managed_user(request, pk: int):
    """The account to manage (the requester has been checked by admin_only): 403 for a superuser
    or a staff member unless the requester is a superuser."""
    require(can_manage_users(request.user))
    target = get_object_or_404(
        User.objects.select_related("profile__organisation", "profile__scope_unit"), pk=pk
    )
    require(services.may_manage(request.user, target))
    return target


def _add_service_error(form, exc: ValidationError, field: str | None = None) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(field, exc)


@admin_only
@require_http_methods(["GET", "HEAD"])
def user_list(request):
    filters = UserFilterForm(request.GET or None, requester=request.user)
    qs = filters.apply(
        manageable_users(request.user).select_related(
            "profile__organisation__unit", "profile__scope_unit"
        ).order_by("username")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("trang"))
    params = request.GET.copy()
    params.pop("trang", None)
    return render(request, "accounts/user_list.html",
                  {"filters": filters, "page": page, "querystring": params.urlencode()})


@admin_only
@require_http_methods(["GET", "HEAD", "POST"])
def user_create(request):
    form = UserCreateForm(request.POST or None, requester=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.create_user(
                by=request.user, username=data["username"], full_name=data["full_name"],
                email=data["email"], organisation=data["organisation"], role=data["role"],
                password=data["password1"], scope_unit=data["scope_unit"], ip_address=_ip(request),
            )
        except ValidationError as exc:
            _add_service_error(form, exc, "password1")
        else:
            messages.success(request, _("User %(username)s was created.") % {"username": user.username})
            return redirect("users:edit", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "target": None})


@admin_only
@require_http_methods(["GET", "HEAD", "POST"])
def user_edit(request, pk):
    target = _managed_user(request, pk)
    profile = getattr(target, "profile", None)
    form = UserEditForm(
        request.POST or None, initial=UserEditForm.initial_for(target),
        current_organisation=profile.organisation if profile else None,
        current_scope=profile.scope_unit if profile else None, requester=request.user,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_user(
                by=request.user, user=target, full_name=data["full_name"], email=data["email"],
                organisation=data["organisation"], role=data["role"], scope_unit=data["scope_unit"],
                reason=data["reason"], ip_address=_ip(request),
            )
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("users:edit", pk=target.pk)
    return render(request, "accounts/user_form.html", {"form": form, "target": target})


@admin_only
@require_http_methods(["GET", "HEAD", "POST"])
def user_password(request, pk):
    target = _managed_user(request, pk)
    form = SetPasswordForm(request.POST or None, user=target)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_password(by=request.user, user=target, password=form.cleaned_data["password1"],
                                  reason=form.cleaned_data["reason"], ip_address=_ip(request))
        except ValidationError as exc:
            _add_service_error(form, exc, "password1")
        else:
            messages.success(request, _("The password of %(username)s was changed.")
                             % {"username": target.username})
            return redirect("users:edit", pk=target.pk)
    return render(request, "accounts/user_password.html", {"form": form, "target": target})


def _set_active(request, pk, active: bool):
    target = _managed_user(request, pk)
    form = ActivationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_active(by=request.user, user=target, active=active,
                                reason=form.cleaned_data["reason"], ip_address=_ip(request))
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            if active:
                messages.success(request, _("%(username)s can log in again.") % {"username": target.username})
            else:
                messages.success(request, _("%(username)s can no longer log in.") % {"username": target.username})
            return redirect("users:edit", pk=target.pk)
    return render(request, "accounts/user_active.html", {"form": form, "target": target, "active": active})


@admin_only
@require_http_methods(["GET", "HEAD", "POST"])
def user_deactivate(request, pk):
    return _set_active(request, pk, False)


@admin_only
@require_http_methods(["GET", "HEAD", "POST"])
def user_activate(request, pk):
    return _set_active(request, pk, True)
