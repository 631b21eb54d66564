"""The project's URLs with the channel's API mounted where the lead mounts it
(/api/v1/employment/loans/), on an API with the project's authentication and error handlers:
the API tests run the same whether or not lnob/api/api.py mounts the router yet."""

from django.urls import path
from ninja import NinjaAPI

from lnob.api import api as main
from lnob.core.errors import DomainError, NotFound
from lnob.employment.loans.api import router
from lnob.urls import urlpatterns as project

api = NinjaAPI(title="loans (tests)", version="test", urls_namespace="loans-test", auth=main.api.auth)
api.add_exception_handler(NotFound, main.not_found)
api.add_exception_handler(DomainError, main.refused)
api.add_router("/v1/employment/loans", router)

urlpatterns = [path("api/", api.urls), *project]
