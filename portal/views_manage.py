"""The coordination office's pages: drafts, review, publication, images and documents."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, user_passes_test
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.queries import evaluated_periods
from portal import services
from portal.forms import ArticleForm, DocumentForm, ImageForm, SettingsForm
from portal.models import Article, PortalSettings, PublishedPeriod
from portal.permissions import can_configure, can_publish, can_write


def _require(test):
    def check(user):
        if not test(user):
            raise PermissionDenied
        return True

    return user_passes_test(check)


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
@_require(can_write)
def index(request):
    return render(request, "portal/manage/index.html", {
        "articles": Article.objects.select_related("author", "last_editor")[:200],
        "portal": PortalSettings.current(),
        "can_publish": can_publish(request.user),
        "can_configure": can_configure(request.user),
    })


@login_required
@_require(can_write)
def edit(request, pk=None):
    article = get_object_or_404(Article, pk=pk) if pk else None
    initial = {"title": article.title, "summary": article.summary, "body": article.body} if article else None
    form = ArticleForm(request.POST or None, initial=initial)
    image_form = ImageForm()
    if request.method == "POST" and form.is_valid():
        article = services.save_draft(request.user, article=article, **form.cleaned_data)
        messages.success(request, _("Draft saved."))
        return redirect("portal:article_edit", article.pk)
    return render(request, "portal/manage/edit.html", {"form": form, "article": article,
                                                       "image_form": image_form})


@login_required
@require_POST
def act(request, pk, action):
    article = get_object_or_404(Article, pk=pk)
    try:
        if action == "gui-duyet":
            services.submit_for_review(request.user, article)
            messages.success(request, _("Sent for review."))
        elif action == "tra-lai":
            services.return_to_draft(request.user, article)
            messages.success(request, _("Returned to the writer."))
        elif action == "dang":
            version = services.publish(request.user, article)
            messages.success(request, _("Published (version %(n)d).") % {"n": version.number})
        elif action == "anh":
            form = ImageForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["image"]
                img = services.add_image(request.user, article, upload.read())
                messages.success(request, _("Image added: %(src)s") % {"src": f"/cong-khai/anh/{img.pk}.jpg"})
        else:
            raise PermissionDenied
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return redirect("portal:article_edit", article.pk)


@login_required
@_require(can_write)
def upload_document(request):
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_document(request.user, title=data["title"], number=data["number"],
                                  issued_on=data["issued_on"], kind=data["kind"], upload=data["file"])
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(request, _("Document published."))
            return redirect("portal:documents")
    return render(request, "portal/manage/document.html", {"form": form})


@login_required
@_require(can_configure)
def configure(request):
    config = PortalSettings.current()
    form = SettingsForm(request.POST or None, initial={
        "show_computed_criteria": config.show_computed_criteria,
        "two_person_publish": config.two_person_publish, "link_allowlist": config.link_allowlist})
    if request.method == "POST" and form.is_valid():
        services.update_settings(request.user, **form.cleaned_data)
        messages.success(request, _("Settings saved."))
        return redirect("portal:configure")
    published = set(PublishedPeriod.objects.values_list("period_id", flat=True))
    return render(request, "portal/manage/settings.html", {
        "form": form, "periods": [(p, p.pk in published) for p in evaluated_periods()]})


@login_required
@require_POST
@_require(can_configure)
def publish_period(request, code):
    period = get_object_or_404(evaluated_periods(), code=code)
    services.publish_period(request.user, period)
    messages.success(request, _("The figures of %(name)s are public.") % {"name": period.name})
    return redirect("portal:configure")
