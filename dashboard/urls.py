from django.urls import path

from dashboard import views, views_extra

app_name = "dashboard"
urlpatterns = [
    path("", views.province, name="province"),
    path("xu-huong/", views_extra.province_trends, name="trends"),
    path("ban-in/xa/<str:ref>/", views_extra.commune_print, name="commune_print"),
]
