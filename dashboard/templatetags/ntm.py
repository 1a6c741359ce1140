import functools

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

register = template.Library()

# The three states of the engine; "missing" reads "chưa có số liệu", never a pass or a fail.
STATUS_LABELS = {"met": _("Met"), "unmet": _("Not met"), "missing": _("No data")}


@register.simple_tag
def link(name: str) -> str:
    """{% url name %} for a view without arguments, reversed once per worker process (base.html
    shows a few on every page)."""
    return _link(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


@functools.lru_cache(maxsize=256)
def _link(name, prefix, urlconf):
    return reverse(name, urlconf=urlconf)


@register.filter
def get_item(mapping, key):
    if not mapping:
        return None
    return mapping.get(key)


@register.filter
def status_label(status):
    return STATUS_LABELS.get(status, status)


@register.filter
def vn(value):
    """A number in Vietnamese notation without trailing zeros (1.234,5)."""
    from decimal import Decimal

    from criteria.engine import format_number

    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (int, float, Decimal)):
        return format_number(value)
    return value


@register.filter
def op(operator):
    from criteria.engine import OPERATOR_SYMBOLS

    return OPERATOR_SYMBOLS.get(operator, operator)


# Level codes of every family, for decisions shown outside their own family's pages.
LEVEL_LABELS = {
    "ntm": _("New rural area"), "nang-cao": _("Advanced new rural area"),
    "kieu-mau": _("Model new rural area"), "hien-dai": _("Modern new rural area"),
}


@register.filter
def level_label(code):
    return LEVEL_LABELS.get(code, code)
