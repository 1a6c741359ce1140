from django.urls import path

from finance import views, views_import

app_name = "finance"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("ke-hoach/", views.plans, name="plans"),
    path("cong-trinh/", views.project_list, name="projects"),
    path("cong-trinh/them/", views.project_create, name="project_create"),
    path("cong-trinh/<int:pk>/", views.project_detail, name="project"),
    path("cong-trinh/<int:pk>/sua/", views.project_edit, name="project_edit"),
    path("cong-trinh/<int:pk>/<slug:action>/", views.project_action, name="project_action"),
    path("nhap-kho-bac/", views_import.treasury_import, name="import"),
    path("nhap-kho-bac/mau.xlsx", views_import.treasury_template, name="import_template"),
]
