"""The hash chain of published versions: each entry holds the SHA-256 of a published content and
the hash of the previous entry. Appended only inside an audited publishing transaction."""

from __future__ import annotations

import hashlib
import json

from django.utils import timezone

from portal.models import ArticleVersion, Document, Feedback, LedgerEntry

GENESIS = "0" * 64


def sha256(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def article_content(version: ArticleVersion) -> str:
    """What an article version's hash covers: its title, summary and sanitised body."""
    return json.dumps({"title": version.title, "summary": version.summary, "body": version.body_html},
                      ensure_ascii=False, sort_keys=True)


def document_content(document: Document, file_sha: str) -> str:
    return json.dumps({"title": document.title, "number": document.number,
                       "issued_on": document.issued_on.isoformat() if document.issued_on else "",
                       "kind": document.kind, "file": file_sha}, ensure_ascii=False, sort_keys=True)


def feedback_content(item: Feedback) -> str:
    """What a published feedback's hash covers: where it is shown, the question and the answer."""
    target = f"unit:{item.unit_id}" if item.unit_id else f"article:{item.article_id}"
    return json.dumps({"target": target, "name": item.name, "text": item.text, "answer": item.answer,
                       "submitted_at": item.submitted_at.isoformat()}, ensure_ascii=False, sort_keys=True)


def entry_hash(prev_hash: str, kind: str, object_id: int, version: int, content_sha: str, at) -> str:
    return sha256(f"{prev_hash}|{kind}|{object_id}|{version}|{content_sha}|{at.isoformat()}")


def append_entry(kind: str, object_id: int, version: int, content: str) -> LedgerEntry:
    """Append to the chain (called inside the publishing transaction; the unique entry_hash and
    the lock on the last row keep two publications from sharing a predecessor)."""
    last = LedgerEntry.objects.select_for_update().order_by("-pk").first()
    prev = last.entry_hash if last else GENESIS
    at = timezone.now()
    content_sha = sha256(content)
    return LedgerEntry.objects.create(
        kind=kind, object_id=object_id, version=version, content_sha256=content_sha, prev_hash=prev,
        entry_hash=entry_hash(prev, kind, object_id, version, content_sha, at), at=at,
    )


