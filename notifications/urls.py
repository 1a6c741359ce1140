from django.urls import path

from notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.index, name="index"),
    path("so-luong/", views.count, name="count"),
    path("da-doc/", views.mark_read, name="mark_read"),
]
