"""A local favicon, linked from every page (issue 10, item 11)."""

from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse


def test_every_page_links_the_local_favicon(client):
    html = client.get(reverse("login")).content.decode()
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in html
    path = finders.find("img/favicon.svg")
    assert path and open(path, encoding="utf-8").read().lstrip().startswith("<svg")
    assert "http" not in settings.STATIC_URL


def test_favicon_ico_leads_to_the_same_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/img/favicon.svg"
