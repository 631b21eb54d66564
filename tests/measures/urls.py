"""The project's URLs, with the measures API mounted at /api/v1/measures as the lead mounts it in
lnob/api/api.py (`api.add_router("/v1/measures", router)`); until that line is there, the tests
mount the same router on an API of their own, with the same authentication and error handling."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, URLPattern, URLResolver, path, resolve
from ninja import NinjaAPI
from ninja.security import django_auth

from lnob.api.api import BearerToken
from lnob.core.errors import DomainError, NotFound
from lnob.measures.api import router
from lnob.urls import urlpatterns as project


def _mounted() -> bool:
    try:
        resolve("/api/v1/measures/employment", urlconf="lnob.urls")
    except Resolver404:
        return False
    return True


urlpatterns: list[URLPattern | URLResolver] = list(project)
if not _mounted():
    api = NinjaAPI(title="measures (tests)", version="test", urls_namespace="measures-test-api",
                   auth=[BearerToken(), django_auth])  # fmt: skip

    @api.exception_handler(NotFound)
    def _not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
        return api.create_response(request, {"detail": "Not found."}, status=404)

    @api.exception_handler(DomainError)
    def _refused(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return api.create_response(request, {"detail": [exc.as_dict()]}, status=422)

    api.add_router("/v1/measures", router)
    urlpatterns = [path("api/", api.urls), *project]
