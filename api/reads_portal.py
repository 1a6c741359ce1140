"""Read endpoints of the public portal: only what the portal itself shows to anyone (the
published version of each article, never a draft or a body in review; the public documents with
their fingerprint; the periods the province published). Any valid token may read them."""

from __future__ import annotations

import datetime
from typing import Annotated

from django.db.models import OuterRef, Q, Subquery
from django.http import Http404
from django.urls import reverse
from ninja import Path, Query, Router, Schema

from api.core import READ_ERRORS, PageMeta, PageNo, PageSize, paginate
from portal.models import ArticleVersion, Document, DocumentKind
from portal.queries import published_periods

router = Router(tags=["portal"])


class ArticleOut(Schema):
    id: int
    version: int
    title: str
    summary: str
    published_at: datetime.datetime
    url: str


class ArticleFull(ArticleOut):
    body_html: str


class ArticlePage(PageMeta):
    results: list[ArticleOut]


def _latest_versions():
    """The public version of every published article (its highest-numbered ArticleVersion),
    newest publication first."""
    newest = ArticleVersion.objects.filter(article_id=OuterRef("article_id")).order_by("-number").values("number")[:1]
    return ArticleVersion.objects.filter(number=Subquery(newest)).order_by("-published_at", "-pk")


def _public(version: ArticleVersion, body: bool = False) -> dict:
    out = {"id": version.article_id, "version": version.number, "title": version.title,
           "summary": version.summary, "published_at": version.published_at,
           "url": reverse("portal:article", args=[version.article_id])}
    if body:
        out["body_html"] = version.body_html
    return out


@router.get("/news", response={200: ArticlePage, **READ_ERRORS}, summary="Tin tức đã công bố",
            description="Tin đã công bố trên cổng công khai (phiên bản công khai mới nhất), mới nhất trước; không "
                        "có bản nháp. Published news (the public version), newest first; drafts never appear.")
def list_news(request, page: PageNo = 1, page_size: PageSize = 50):
    rows = _latest_versions().defer("body_html")
    found, has_next, page, page_size, _after = paginate(rows, page, page_size)
    return {"page": page, "page_size": page_size, "has_next": has_next, "results": [_public(v) for v in found]}


@router.get("/news/{article_id}", response={200: ArticleFull, **READ_ERRORS}, summary="Một tin đã công bố",
            description="Nội dung công khai (HTML đã làm sạch khi công bố) của một tin. The public, sanitised "
                        "version of one article; an unpublished article is not found.")
def get_news(request, article_id: Annotated[int, Path(ge=1, le=2**62)]):
    version = _latest_versions().filter(article_id=article_id).first()
    if version is None:
        raise Http404
    return _public(version, body=True)


class DocumentOut(Schema):
    id: int
    title: str
    number: str
    issued_on: datetime.date | None
    kind: str
    sha256: str
    size: int
    url: str


class DocumentPage(PageMeta):
    results: list[DocumentOut]


@router.get("/documents", response={200: DocumentPage, **READ_ERRORS}, summary="Văn bản công khai",
            description="Văn bản đã đăng trên cổng công khai, với dấu vân tay SHA-256 và đường dẫn tải về; lọc theo "
                        "từ khóa và loại. Public documents with their SHA-256 and download link.")
def list_documents(request, q: Annotated[str, Query(max_length=200)] = "", kind: str = "",
                   page: PageNo = 1, page_size: PageSize = 100):
    docs = Document.objects.order_by("-issued_on", "-pk")
    q = q.strip()
    if q:
        docs = docs.filter(Q(title__icontains=q) | Q(number__icontains=q))
    if kind in DocumentKind.values:
        docs = docs.filter(kind=kind)
    found, has_next, page, page_size, _after = paginate(docs, page, page_size)
    return {"page": page, "page_size": page_size, "has_next": has_next, "results": [
        {"id": d.pk, "title": d.title, "number": d.number, "issued_on": d.issued_on, "kind": d.kind,
         "sha256": d.sha256, "size": d.size, "url": reverse("portal:document_file", args=[d.pk])}
        for d in found]}


class PublishedPeriodOut(Schema):
    code: str
    name: str
    as_of: datetime.date


@router.get("/periods", response={200: list[PublishedPeriodOut], **READ_ERRORS}, summary="Kỳ đã công bố",
            description="Các kỳ đánh giá tỉnh đã công bố số liệu trên cổng công khai. The assessment periods whose "
                        "figures the province made public.")
def list_published_periods(request):
    return [{"code": p.code, "name": p.name, "as_of": p.as_of} for p in published_periods()]
