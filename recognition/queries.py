"""Reads of recognition dossiers for other pages (the public portal). Nothing here writes."""

from __future__ import annotations

from recognition.models import Kind, PostingComment


def public_comments(unit, limit: int = 200) -> list[PostingComment]:
    """The comments received during the public posting of the commune's recognition dossiers,
    with the commune's answers, newest posting first (one query). The posting itself is public
    (QĐ 18/2022 Điều 5), so what was received and answered is shown on the portal."""
    return list(
        PostingComment.objects.filter(dossier__unit=unit, dossier__kind=Kind.RECOGNITION,
                                      dossier__posting_start__isnull=False)
        .select_related("dossier")
        .order_by("-dossier__posting_start", "dossier_id", "received_on", "pk")[:limit]
    )
