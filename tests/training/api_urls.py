"""The training router mounted as the lead mounts it (/api/v1/employment/training/), on an API of
its own for these tests, with the main API's authentication and error answers; the rest of the
site as usual."""

from __future__ import annotations

from django.urls import path
from ninja import NinjaAPI
from ninja.security import django_auth

from lnob.api.api import BearerToken
from lnob.core.errors import DomainError, NotFound
from lnob.employment.training.api import router
from lnob.urls import urlpatterns as site

api = NinjaAPI(title="training test", urls_namespace="training_test_api", auth=[BearerToken(), django_auth])


@api.exception_handler(NotFound)
def not_found(request, exc):  # type: ignore[no-untyped-def]
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(DomainError)
def refused(request, exc):  # type: ignore[no-untyped-def]
    return api.create_response(request, {"detail": [exc.as_dict()]}, status=422)


api.add_router("/v1/employment/training", router)

urlpatterns = [path("api/", api.urls), *site]
