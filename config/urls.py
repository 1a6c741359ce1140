from django.contrib import admin
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path


def favicon(request):
    """/favicon.ico to the icon's static address, resolved per request: at import time the
    production static storage may not have its manifest yet (before collectstatic)."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


urlpatterns = [
    path("", include("dashboard.urls")),
    path("xa/", include("assessments.urls")),
    path("tai-khoan/", include("accounts.urls")),
    path("nhat-ky/", include("audit.urls")),
    path("nguoi-dung/", include("accounts.urls_users")),
    path("ke-hoach/", include("planning.urls")),
    path("bao-cao/", include("reporting.urls")),
    path("tai-chinh/", include("finance.urls")),
    path("cong-khai/", include("portal.urls")),
    path("cong-nhan/", include("recognition.urls")),
    path("khao-sat/", include("surveys.urls")),
    path("phieu-khao-sat/", include("surveys.urls_public")),
    path("api/", include("api.urls")),
    path("thong-bao/", include("notifications.urls")),
    path("", include("dashboard.urls_extra")),
    path("favicon.ico", favicon),  # for pages without the link
    path("quan-tri/", admin.site.urls),
]
