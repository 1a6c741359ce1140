"""The page where a signed-in user makes and revokes their own personal API tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.security import client_ip
from api import tokens
from api.models import ApiToken

DAY_CHOICES = (30, 90, 365)


@login_required
def personal_tokens(request):
    mine = ApiToken.objects.filter(user=request.user)
    new_secret = None
    if request.method == "POST":
        if "revoke" in request.POST:
            token = mine.filter(pk=request.POST.get("revoke")).first()
            if token is not None:
                tokens.revoke_token(token, by=request.user, ip_address=client_ip(request))
                messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
            return redirect("api-tokens")
        name = request.POST.get("name", "").strip()
        try:
            days = int(request.POST.get("days", "90"))
        except ValueError:
            days = 90
        if not name:
            messages.error(request, _("Give the token a name (what it is used for)."))
        else:
            _token, new_secret = tokens.create_token(
                request.user, name, days=days if days in DAY_CHOICES else 90, by=request.user,
                ip_address=client_ip(request))
    response = render(request, "api/tokens.html",
                      {"tokens": mine.order_by("-created_at"), "new_secret": new_secret, "days": DAY_CHOICES})
    response["Cache-Control"] = "no-store"
    return response
