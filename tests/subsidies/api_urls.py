"""The project's URLs with this app's API router mounted where the lead mounts it
(/api/v1/employment/subsidies/), on an API configured like lnob.api.api (same authentication,
same 404 and 422 answers), until the main API mounts it; then the main one is used as it is."""

from django.urls import include, path
from ninja import NinjaAPI

from lnob.api import api as main
from lnob.core.errors import DomainError, NotFound
from lnob.employment.subsidies.api import router

MOUNTED = any(r is router for _prefix, r in main.api._routers)

if MOUNTED:
    urlpatterns = [path("", include("lnob.urls"))]
else:
    api = NinjaAPI(
        title="subsidies test", version="test", urls_namespace="subsidies_test_api", auth=main.api.auth
    )
    api.add_exception_handler(NotFound, main.not_found)
    api.add_exception_handler(DomainError, main.refused)
    api.add_router("/v1/employment/subsidies", router)
    urlpatterns = [path("api/", api.urls), path("", include("lnob.urls"))]
