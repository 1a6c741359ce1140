from django.urls import path

from api import dhis2, reads, views, writes
from api.core import api

api.add_router("/", reads.router)
api.add_router("/", writes.router)
api.add_router("/dhis2", dhis2.router)

urlpatterns = [
    path("tokens/", views.personal_tokens, name="api-tokens"),
    path("", api.urls),
]
