"""The application's URLs plus one view that fails, for the error-page tests."""

from django.urls import path

from config.urls import urlpatterns as app_urlpatterns


def boom(request):
    raise RuntimeError("boom: SELECT secret FROM settings")


urlpatterns = [*app_urlpatterns, path("loi-thu/", boom)]
