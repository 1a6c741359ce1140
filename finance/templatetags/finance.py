from django import template

from finance.money import dong as _dong
from finance.money import percent as _percent

register = template.Library()


@register.filter
def dong(value):
    """1.234.567.000 đ"""
    return _dong(value)


@register.filter
def pct(value):
    """21,9%"""
    return _percent(value)
