"""Template tags for pages outside the recognition app (the public portal's commune page)."""

from django import template

from recognition.queries import public_comments

register = template.Library()


@register.simple_tag
def dossier_comments(unit):
    """The comments received during the public posting of the commune's dossiers, with the answers."""
    return public_comments(unit) if unit is not None else []
