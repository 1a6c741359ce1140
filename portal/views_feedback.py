"""Residents' feedback: the public form (no login) and the office's moderation queue.

The form lives on its own page (/cong-khai/xa/<ref>/phan-anh/, /cong-khai/tin-tuc/<pk>/phan-anh/):
only that page sets the CSRF cookie and it is never cached (private, no-store). The commune and
news pages link to it, so they set no cookie at all and stay cacheable by a proxy and by
portal/cache.py. After sending, the resident lands on a static thank-you page (no session, no
message cookie)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, user_passes_test
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect, ensure_csrf_cookie
from django.views.decorators.http import require_http_methods, require_POST

from assessments.queries import programme_communes
from config.text import request_ip
from portal import queries, services
from portal.forms import FeedbackForm, ModerationForm
from portal.models import Article, Feedback, FeedbackStatus, PortalSettings
from portal.permissions import can_moderate
from portal.views import public


def _target(kind: str, key):
    """The commune (on the latest published map) or the published article feedback is about."""
    if kind == "xa":
        period = queries.public_period(None)
        if period is None:
            raise Http404
        unit = get_object_or_404(programme_communes(period.as_of), ref=key)
        return unit, None, unit.name, reverse("portal:commune", args=[unit.ref])
    article = get_object_or_404(Article, pk=key, versions__isnull=False)
    return None, article, article.public_version.title, reverse("portal:article", args=[article.pk])


@never_cache
@ensure_csrf_cookie
@csrf_protect
@require_http_methods(["GET", "POST"])
def feedback_form(request, kind, key):
    unit, article, title, back = _target(kind, key)
    form = FeedbackForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_feedback(unit=unit, article=article, ip=request_ip(request), **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
            status = 429 if exc.code == "rate_limited" else 400
        else:
            return redirect("portal:feedback_sent")
    elif request.method == "POST":
        status = 400
    return render(request, "portal/feedback_form.html",
                  {"form": form, "title": title, "back": back, "portal": PortalSettings.current()},
                  status=status)


@public
def feedback_sent(request):
    return render(request, "portal/feedback_sent.html", {"portal": PortalSettings.current()})


# --- moderation (the coordination office) ----------------------------------------------------------


def _moderator(user):
    if not can_moderate(user):
        raise PermissionDenied
    return True


@login_required
@user_passes_test(_moderator)
def queue(request):
    status = request.GET.get("trang-thai") or ""
    counts, rows = queries.feedback_queue(status)
    return render(request, "portal/manage/feedback.html", {
        "rows": [(item, ModerationForm(initial={"answer": item.answer}, prefix=f"f{item.pk}")) for item in rows],
        "counts": [(value, label, counts.get(value, 0)) for value, label in FeedbackStatus.choices],
        "status": status,
    })


@login_required
@require_POST
@user_passes_test(_moderator)
def moderate(request, pk, action):
    item = get_object_or_404(Feedback, pk=pk)
    form = ModerationForm(request.POST, prefix=f"f{item.pk}")
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("portal:feedback_queue")
    answer, reason = form.cleaned_data["answer"], form.cleaned_data["reason"]
    try:
        if action == "dang":
            services.publish_feedback(request.user, item, answer=answer)
            messages.success(request, _("Feedback published."))
        elif action == "tra-loi":
            services.answer_feedback(request.user, item, answer)
            messages.success(request, _("Answer saved."))
        elif action == "tu-choi":
            services.reject_feedback(request.user, item, reason)
            messages.success(request, _("Feedback rejected."))
        else:
            raise PermissionDenied
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("portal:feedback_queue")
