from django.urls import path, re_path

from reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.index, name="index"),
    re_path(r"^nop/(?P<period_pk>\d+)/(?P<reporter_key>[uo]\d+)/$", views.submission_form,
            name="submission_form"),
    path("ky/<int:pk>/", views.period_detail, name="period"),
    path("ky/<int:pk>/nhac-nho/", views.period_remind, name="period_remind"),
    path("ky/<int:pk>/tinh-trang.xlsx", views.period_xlsx, name="period_xlsx"),
    re_path(r"^ky/(?P<pk>\d+)/bao-cao\.(?P<fmt>docx|xlsx)$", views.province_document, name="province_document"),
    re_path(r"^ky/(?P<pk>\d+)/co-quan/(?P<org_pk>\d+)/bao-cao\.(?P<fmt>docx|xlsx)$", views.agency_document,
            name="agency_document"),
    path("lich/<int:pk>/don-vi/", views.schedule_reporters, name="schedule_reporters"),
    path("ho-so/<int:pk>/", views.submission_detail, name="submission_detail"),
    path("ho-so/<int:pk>/tra-lai/", views.submission_return, name="submission_return"),
    path("ho-so/<int:pk>/chap-nhan/", views.submission_accept, name="submission_accept"),
]
