from django.conf import settings
from django.utils.functional import SimpleLazyObject


def site(request):
    """The demo flag and what the navigation may offer, from the access layer (computed only
    when a template asks)."""

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

    return {"NTM_DEMO": settings.NTM_DEMO, "nav": SimpleLazyObject(rights)}
