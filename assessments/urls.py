from django.urls import path

from assessments import views

app_name = "assessments"
urlpatterns = [
    path("", views.commune_list, name="list"),
    path("<str:ref>/", views.commune_detail, name="detail"),
    path("<str:ref>/nhap/<slug:period_code>/", views.commune_entry, name="entry"),
    path("<str:ref>/cong-nhan/", views.recognition_add, name="recognition_add"),
    path("<str:ref>/cong-nhan/<int:pk>/thu-hoi/", views.recognition_revoke, name="recognition_revoke"),
]
