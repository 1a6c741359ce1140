"""Templates ask the access layer, never a copy of its rules:

    {% load access %}
    {% can "view_province" as province %}{% if province %}<a href="…">…</a>{% endif %}
    {% can "manage_item" item set_code as manage %}

The rule names are those registered with accounts.access.rule (the functions the views call).
"""

from django import template

from accounts.access import RULES, allows

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, rule_name, *args):
    if rule_name not in RULES:
        raise template.TemplateSyntaxError(f"unknown access rule {rule_name!r}; known: {', '.join(sorted(RULES))}")
    request = context.get("request")
    user = request.user if request is not None else context.get("user")
    return allows(user, rule_name, *args)
