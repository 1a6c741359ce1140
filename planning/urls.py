from django.urls import path

from planning import views, views_evidence, views_province

app_name = "planning"
urlpatterns = [
    path("", views.index, name="index"),
    path("xa/<str:ref>/", views.commune_plan, name="commune"),
    path("xa/<str:ref>/them/", views.item_create, name="item_create"),
    path("xa/<str:ref>/lo-trinh.<str:fmt>", views.commune_export, name="export"),
    path("muc/<int:pk>/", views.item_detail, name="item"),
    path("muc/<int:pk>/<slug:action>/", views.item_action, name="item_action"),
    path("bang-chung/<int:pk>/", views_evidence.evidence, name="evidence"),
    path("theo-doi/", views_province.watch, name="watch"),
    path("co-quan/", views_province.agency_list, name="agencies"),
    path("co-quan/<slug:code>/", views_province.agency, name="agency"),
    path("co-quan/<slug:code>/chuyen-cong-tac/", views_province.visit_create, name="visit_create"),
    path("muc-tieu/", views_province.targets, name="targets"),
    path("muc-tieu/sua/", views_province.targets_edit, name="targets_edit"),
    path("giup-do/", views_province.helping, name="helping"),
    path("dau-tu/", views_province.invest, name="invest"),
    path("chuyen-giao/", views_province.transfers, name="transfers"),
]
