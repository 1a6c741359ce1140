"""Public pages (no login): progress, communes, news, documents, open data, feed, statistics.

None of them reads the session or the user, so no cookie is set and a reverse proxy may cache
them (Cache-Control: public); the visit beacon alone is never cached."""

from __future__ import annotations

import base64
import csv
import io

from django.db.models import Q, Sum
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from assessments.queries import programme_communes
from config.text import append_row, attachment_response, request_ip
from dashboard import charts
from dashboard.queries import province_dashboard
from portal import queries, visits
from portal.chain import sha256
from portal.models import Article, ArticleImage, Document, DocumentKind, PortalSettings, Visit

PUBLIC_MAX_AGE = 300


def public(view):
    """GET only, cacheable by a shared cache for PUBLIC_MAX_AGE seconds."""

    @require_GET
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.has_header("Cache-Control"):
            patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        return response

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _base_context(period=None):
    return {"period": period, "periods": queries.published_periods(),
            "portal": PortalSettings.current()}


@public
def progress(request):
    period = queries.public_period(request.GET.get("ky"))
    context = _base_context(period)
    if period is None:
        return render(request, "portal/progress.html", context)
    board = province_dashboard(period)
    context["board"] = board
    context["levels"] = [(code, board.ctx.level_names.get(code, code), n)
                         for code, n in board.recognised_by_level.items()]
    years = sorted({row.year for row in board.plan})
    context["plan_years"] = [(y, [r for r in board.plan if r.year == y]) for y in years]
    plan_items, targets = [], {}
    for row in board.plan:
        if row.year == period.start.year:
            plan_items.append((row.level_name, row.actual or 0, "bar"))
            targets[row.level_name] = row.target
    context["plan_chart"] = charts.vertical_bars(
        plan_items, title=_("Recognised communes against the phase plan"), width=640, height=200,
        targets=targets)
    return render(request, "portal/progress.html", context)


@public
def communes(request):
    period = queries.public_period(request.GET.get("ky"))
    context = _base_context(period)
    if period is not None:
        context["province"], context["rows"], context["ctx"] = queries.commune_rows(period)
    return render(request, "portal/communes.html", context)


@public
def commune(request, ref):
    period = queries.public_period(request.GET.get("ky"))
    if period is None:
        raise Http404
    unit = get_object_or_404(programme_communes(period.as_of), ref=ref)
    context = _base_context(period)
    context["page"] = queries.commune_page(unit, period)
    return render(request, "portal/commune.html", context)


# --- open data -------------------------------------------------------------------------------------


def _table(name: str, period):
    if name == "xa":
        _province, rows, _ctx = queries.commune_rows(period)
        show = PortalSettings.current().show_computed_criteria
        header = [_("Code"), _("Commune"), _("Recognised level"), _("Decision number"), _("Decision date")]
        if show:
            header += [_("Criteria met (computed)"), _("Criteria total")]
        body = []
        for r in rows:
            line = [r.unit.code, r.unit.name, r.level, r.decision_number,
                    r.decision_date.isoformat() if r.decision_date else ""]
            if show:
                line += [r.criteria_met, r.criteria_total]
            body.append(line)
        return header, body
    if name == "ke-hoach":
        board = province_dashboard(period)
        header = [_("Year"), _("Level"), _("Target"), _("Recognised")]
        return header, [[r.year, r.level_name, r.target, r.actual] for r in board.plan]
    if name == "van-ban":
        header = [_("Number"), _("Title"), _("Issued on"), _("Kind"), "SHA-256"]
        return header, [[d.number, d.title, d.issued_on.isoformat() if d.issued_on else "",
                         d.get_kind_display(), d.sha256] for d in Document.objects.all()]
    raise Http404


def _csv_cell(value):
    # A leading =, +, - or @ would be a formula in a spreadsheet opening the CSV.
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@public
def open_data(request, name, fmt):
    period = queries.public_period(request.GET.get("ky"))
    if period is None:
        raise Http404
    header, body = _table(name, period)
    stem = f"{name}-{period.code}"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        for line in body:
            writer.writerow([_csv_cell(v) for v in line])
        return attachment_response(("\ufeff" + out.getvalue()).encode("utf-8"), f"{stem}.csv",
                                   "text/csv; charset=utf-8")
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = name
    append_row(sheet, header)
    for line in body:
        append_row(sheet, line)
    out = io.BytesIO()
    book.save(out)
    return attachment_response(out.getvalue(), f"{stem}.xlsx")


@public
def data_index(request):
    return render(request, "portal/data.html", _base_context(queries.public_period(request.GET.get("ky"))))


# --- news ------------------------------------------------------------------------------------------


def _published_articles():
    return Article.objects.filter(versions__isnull=False).distinct().order_by("-pk")


@public
def news(request):
    articles = [(a, a.public_version) for a in _published_articles()[:50]]
    articles.sort(key=lambda pair: pair[1].published_at, reverse=True)
    return render(request, "portal/news.html", {**_base_context(), "articles": articles})


@public
def article(request, pk):
    item = get_object_or_404(Article, pk=pk)
    version = item.public_version
    if version is None:
        raise Http404
    return render(request, "portal/article.html", {**_base_context(), "article": item, "version": version,
                                                   "feedback": queries.published_feedback(article=item)})


@public
def image(request, pk):
    img = get_object_or_404(ArticleImage, pk=pk)
    if not img.article.versions.exists():
        raise Http404
    return FileResponse(img.file.open("rb"), content_type="image/jpeg")


# --- documents -------------------------------------------------------------------------------------


@public
def documents(request):
    q = (request.GET.get("q") or "").strip()[:200]
    kind = request.GET.get("loai") or ""
    docs = Document.objects.all()
    if q:
        docs = docs.filter(Q(title__icontains=q) | Q(number__icontains=q))
    if kind in DocumentKind.values:
        docs = docs.filter(kind=kind)
    return render(request, "portal/documents.html",
                  {**_base_context(), "documents": docs[:200], "q": q, "kind": kind,
                   "kinds": DocumentKind.choices})


@public
def document_file(request, pk):
    doc = get_object_or_404(Document, pk=pk)
    with doc.file.open("rb") as fh:
        data = fh.read()
    if sha256(data) != doc.sha256:
        # The stored file no longer is the one published: never serve it.
        raise Http404
    return attachment_response(data, f"{doc.number or doc.title}.pdf")


# --- visits ----------------------------------------------------------------------------------------

PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


@require_GET
def beacon(request, pk=None):
    """A 1x1 GIF the public pages load: counts the visitor once a day (no script needed, and a
    cached page still counts). Never cached."""
    article = None
    if pk is not None:
        article = Article.objects.filter(pk=pk, versions__isnull=False).first()
    visits.count_visit(request_ip(request), request.headers.get("User-Agent", ""), article)
    response = HttpResponse(PIXEL, content_type="image/gif")
    response["Cache-Control"] = "no-store"
    return response


@public
def statistics(request):
    today = timezone.localdate()
    site = Visit.objects.filter(article__isnull=True)
    context = {
        **_base_context(),
        "today": site.filter(day=today).count(),
        "month": site.filter(day__year=today.year, day__month=today.month).count(),
        "total": site.count(),
        "views": Article.objects.aggregate(n=Sum("view_count"))["n"] or 0,
        "most_read": [(a, a.public_version) for a in
                      _published_articles().order_by("-view_count", "-pk")[:10] if a.view_count],
    }
    response = render(request, "portal/statistics.html", context)
    patch_cache_control(response, public=True, max_age=60)
    return response


