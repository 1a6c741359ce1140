from django.contrib import admin
from django.urls import include, path

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
    path("quan-tri/", admin.site.urls),
]
