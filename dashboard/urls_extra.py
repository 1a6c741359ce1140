"""Trends across periods and the printable commune summary (namespace "trends")."""

from django.urls import path

from dashboard import views_extra

app_name = "trends"
urlpatterns = [
    path("xu-huong/", views_extra.province_trends, name="province"),
    path("huong-dan/", views_extra.guide, name="guide"),
    path("ban-in/xa/<str:ref>/", views_extra.commune_print, name="commune_print"),
]
