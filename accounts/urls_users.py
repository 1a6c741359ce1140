from django.urls import path

from accounts import views_users as views

app_name = "users"

urlpatterns = [
    path("", views.user_list, name="list"),
    path("them/", views.user_create, name="create"),
    path("<int:pk>/", views.user_edit, name="edit"),
    path("<int:pk>/mat-khau/", views.user_password, name="password"),
    path("<int:pk>/khoa/", views.user_deactivate, name="deactivate"),
    path("<int:pk>/mo-khoa/", views.user_activate, name="activate"),
]
