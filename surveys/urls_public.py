from django.urls import path

from surveys import views_public

app_name = "survey_public"
urlpatterns = [
    path("", views_public.answer, name="answer"),
]
