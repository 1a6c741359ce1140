from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from config.text import request_ip
from notifications import services
from notifications.queries import notices_for, unread_count


@login_required
def index(request):
    notices = notices_for(request.user, timezone.localdate())
    return render(request, "notifications/index.html", {
        "notices": notices, "unread": sum(1 for n in notices if not n.read)})


@login_required
def count(request):
    """The number on the bell, fetched after the page shows (pages pay no query for it)."""
    response = JsonResponse({"unread": unread_count(request.user, timezone.localdate())})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def mark_read(request):
    # Only the user's own current notices can be marked: any other key is ignored.
    mine = {n.key for n in notices_for(request.user, timezone.localdate())}
    wanted = mine if request.POST.get("all") else set(request.POST.getlist("key")) & mine
    n = services.mark_read(user=request.user, keys=list(wanted), ip_address=request_ip(request))
    messages.success(request, ngettext("%(n)s notification marked as read.", "%(n)s notifications marked as read.",
                                       n) % {"n": n})
    return redirect("notifications:index")
