from django.urls import path

from api import (
    dhis2,
    reads_finance,
    reads_portal,
    reads_units,
    reads_values,
    reads_work,
    views,
    writes,
    writes_reporting,
)
from api.core import api

api.add_router("/", reads_units.router)
api.add_router("/", reads_values.router)
api.add_router("/", reads_work.router)
api.add_router("/finance", reads_finance.router)
api.add_router("/portal", reads_portal.router)
api.add_router("/", writes.router)
api.add_router("/", writes_reporting.router)
api.add_router("/dhis2", dhis2.router)

urlpatterns = [
    path("tokens/", views.personal_tokens, name="api-tokens"),
    path("", api.urls),
]
