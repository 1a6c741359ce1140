from django.urls import path

from api import dhis2, reads, writes
from api.core import api

api.add_router("/", reads.router)
api.add_router("/", writes.router)
api.add_router("/dhis2", dhis2.router)

urlpatterns = [path("", api.urls)]
