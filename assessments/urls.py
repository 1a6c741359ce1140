from django.urls import path

from assessments import views, views_excel, views_groups

app_name = "assessments"
urlpatterns = [
    path("", views.commune_list, name="list"),
    path("nhom-xa/", views_groups.group_list, name="group_list"),
    path("nhom-xa/excel/", views_groups.group_export, name="group_export"),
    path("nhom-xa/excel/nhap/", views_groups.group_import, name="group_import"),
    path("<str:ref>/", views.commune_detail, name="detail"),
    path("<str:ref>/nhap/<slug:period_code>/", views.commune_entry, name="entry"),
    path("<str:ref>/nhom-xa/", views_groups.group_edit, name="group_edit"),
    path("<str:ref>/cong-nhan/", views.recognition_add, name="recognition_add"),
    path("<str:ref>/cong-nhan/<int:pk>/thu-hoi/", views.recognition_revoke, name="recognition_revoke"),
    # Excel round-trip (two segments at least, so no clash with "<ref>/").
    path("excel/xuat/", views_excel.excel_export, name="excel_export"),
    path("excel/tai-len/", views_excel.excel_import, name="excel_import"),
    path("excel/lan-nhap/<int:pk>/", views_excel.excel_job, name="excel_job"),
    path("excel/lan-nhap/<int:pk>/tien-do/", views_excel.excel_job_status, name="excel_job_status"),
    path("excel/lan-nhap/<int:pk>/ban-danh-dau/", views_excel.excel_job_marked, name="excel_job_marked"),
]
