"""The coordination office's pages: drafts, review, publication, images and documents."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import services
from portal.forms import ArticleForm, DocumentForm, ImageForm
from portal.models import Article, PortalSettings


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
@permission_required("portal.change_article", raise_exception=True)
def index(request):
    return render(request, "portal/manage/index.html", {
        "articles": Article.objects.select_related("author", "last_editor")[:200],
        "portal": PortalSettings.current(),
        "can_publish": request.user.has_perm("portal.publish_article"),
    })


@login_required
@permission_required("portal.change_article", raise_exception=True)
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
@permission_required("portal.add_document", raise_exception=True)
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
