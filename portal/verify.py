"""Tamper evidence: the hash chain recomputed, each published content compared with its ledger
entry, and every public page rendered and compared with what was published (article bodies
byte for byte; on every page, no outbound link off the allowlist and no spam vocabulary)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from django.core.mail import mail_admins
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.utils import timezone
from django.utils.html import strip_tags

from assessments.queries import programme_communes
from audit import services as audit
from portal import queries
from portal.chain import (
    GENESIS,
    article_content,
    document_content,
    entry_hash,
    feedback_content,
    sha256,
)
from portal.models import (
    ArticleVersion,
    Document,
    Feedback,
    FeedbackStatus,
    LedgerEntry,
    PortalSettings,
)
from portal.sanitise import foreign_hosts, spam_words

BODY_RE = re.compile(r"<!--body-start-->(.*?)<!--body-end-->", re.S)


@dataclass
class Problem:
    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


def _added(published: str, found: str) -> str:
    """The lines the page has that the published content has not (tags removed)."""
    before = strip_tags(published).splitlines() or [""]
    after = strip_tags(found).splitlines() or [""]
    added = [line[2:].strip() for line in difflib.ndiff(before, after) if line.startswith("+ ")]
    return " | ".join(a for a in added if a)[:300] or "(markup changed)"


def check_chain() -> list[Problem]:
    problems, prev = [], GENESIS
    for e in LedgerEntry.objects.order_by("pk"):
        where = f"ledger entry {e.pk} ({e.kind} {e.object_id} v{e.version})"
        if e.prev_hash != prev:
            problems.append(Problem(where, "the chain is broken: the previous hash does not match"))
        if entry_hash(e.prev_hash, e.kind, e.object_id, e.version, e.content_sha256, e.at) != e.entry_hash:
            problems.append(Problem(where, "the entry was altered: its hash does not match its fields"))
        prev = e.entry_hash
    return problems


def check_content() -> list[Problem]:
    problems = []
    ledger = {(e.kind, e.object_id, e.version): e for e in LedgerEntry.objects.all()}
    for v in ArticleVersion.objects.order_by("pk"):
        where = reverse("portal:article", args=[v.article_id])
        entry = ledger.get(("article", v.article_id, v.number))
        if entry is None:
            problems.append(Problem(where, f"version {v.number} was not published through the service "
                                           "(no ledger entry)"))
        elif sha256(article_content(v)) != entry.content_sha256:
            problems.append(Problem(where, f"stored version {v.number} differs from what was published"))
    for d in Document.objects.order_by("pk"):
        where = reverse("portal:document_file", args=[d.pk])
        entry = ledger.get(("document", d.pk, 1))
        try:
            with d.file.open("rb") as fh:
                file_sha = sha256(fh.read())
        except OSError:
            problems.append(Problem(where, "the file is missing"))
            continue
        if entry is None:
            problems.append(Problem(where, "not published through the service (no ledger entry)"))
        elif sha256(document_content(d, file_sha)) != entry.content_sha256:
            problems.append(Problem(where, "the document or its file differs from what was published"))
    for f in Feedback.objects.filter(status=FeedbackStatus.PUBLISHED).select_related("unit").order_by("pk"):
        where = (reverse("portal:commune", args=[f.unit.ref]) if f.unit_id
                 else reverse("portal:article", args=[f.article_id]))
        entry = ledger.get(("feedback", f.pk, f.version))
        if entry is None:
            problems.append(Problem(where, f"feedback {f.pk} was not published through the service "
                                           "(no ledger entry)"))
        elif sha256(feedback_content(f)) != entry.content_sha256:
            problems.append(Problem(where, f"feedback {f.pk} differs from what was published "
                                           f"(version {f.version})"))
    return problems


def public_paths() -> list[str]:
    paths = [reverse(name) for name in ("portal:progress", "portal:communes", "portal:news",
                                        "portal:documents", "portal:data", "portal:statistics")]
    period = queries.public_period(None)
    if period is not None:
        paths += [reverse("portal:commune", args=[u.ref])
                  for u in programme_communes(period.as_of).order_by("name")]
    paths += [reverse("portal:article", args=[pk]) for pk in
              ArticleVersion.objects.values_list("article_id", flat=True).distinct().order_by("article_id")]
    return paths


def render(path: str) -> tuple[int, str]:
    request = RequestFactory().get(path)
    match = resolve(path)
    response = match.func(request, *match.args, **match.kwargs)
    if hasattr(response, "render"):
        response.render()
    return response.status_code, response.content.decode("utf-8", "replace")


def check_pages() -> list[Problem]:
    problems = []
    allowed = PortalSettings.current().allowed_hosts
    latest = {}
    for v in ArticleVersion.objects.order_by("number"):
        latest[v.article_id] = v
    for path in public_paths():
        status, html = render(path)
        if status != 200:
            problems.append(Problem(path, f"the page answers {status}"))
            continue
        hosts = foreign_hosts(html, allowed)
        if hosts:
            problems.append(Problem(path, "links to hosts off the allowlist: " + ", ".join(hosts)))
        words = spam_words(strip_tags(html))
        if words:
            problems.append(Problem(path, "spam vocabulary on the page: " + ", ".join(words)))
        match = resolve(path)
        if match.url_name == "article":
            version = latest[int(match.kwargs["pk"])]
            body = BODY_RE.search(html)
            if body is None:
                problems.append(Problem(path, "the article body is not on the page"))
            elif sha256(body.group(1)) != sha256(version.body_html):
                problems.append(Problem(path, "the body shown differs from the published version "
                                              f"{version.number}: added {_added(version.body_html, body.group(1))}"))
    return problems


def verify() -> list[Problem]:
    return check_chain() + check_content() + check_pages()


def alert(problems: list[Problem]) -> None:
    """Tell the administrators: an audit record, an e-mail, and the banner of the office's page."""
    text = "\n".join(str(p) for p in problems)
    config = PortalSettings.current()
    config.last_verified_at = timezone.now()
    config.tamper_report = text
    config.save(update_fields=["last_verified_at", "tamper_report"])
    if problems:
        audit.record(action="portal.tamper", object_type="portal", object_id="verify",
                     after={"problems": [str(p) for p in problems][:50]})
        mail_admins("Cổng công khai: phát hiện thay đổi ngoài quy trình", text, fail_silently=True)
