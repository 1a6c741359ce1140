import functools

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.utils.translation import get_language


def site(request):
    """The demo flag and what the navigation may offer, from the access layer (computed only
    when a template asks), with the main menu rendered for those rights."""

    def rights():
        from accounts import access
        from dashboard.work import lands_on_province

        user = request.user
        return {
            "province": access.can_view_province(user),
            "work": user.is_authenticated and not lands_on_province(user),
            "users": access.can_manage_users(user),
            "audit": access.scope_for(user).role is not None,
            "two_factor": user.is_authenticated and (user.is_superuser or access.can_manage_users(user)),
        }

    nav = SimpleLazyObject(rights)
    return {"NTM_DEMO": settings.NTM_DEMO, "nav": nav,
            "menu": SimpleLazyObject(lambda: menu(tuple(sorted(nav.items()))))}


def menu(rights: tuple[tuple[str, bool], ...]):
    """The main menu (templates/_menu.html) for these rights and the links beside it
    (_menu_tools.html) in the active language, rendered once per worker process: they are the
    same on every page, and their links and words cost a signed-in page more than a tenth of
    its time when rendered each time."""
    return _menu(rights, get_language(), get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


@functools.lru_cache(maxsize=128)
def _menu(rights, language, prefix, urlconf):
    return {"main": mark_safe(render_to_string("_menu.html", {"nav": dict(rights)})),
            "tools": mark_safe(render_to_string("_menu_tools.html"))}
