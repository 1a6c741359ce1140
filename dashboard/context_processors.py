from django.conf import settings


def site(request):
    return {"NTM_DEMO": settings.NTM_DEMO}
