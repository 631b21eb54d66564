"""The project's URLs, plus the posts API router at /api/v1/employment/posts/ when the project's
API does not mount it yet (the lead mounts it in lnob/api/api.py; until then the tests mount it
here on an API with the same authentication and error handlers)."""

from __future__ import annotations

from django.urls import Resolver404, path, resolve
from ninja import NinjaAPI

from lnob.api.api import api as main_api
from lnob.core.errors import DomainError, NotFound
from lnob.employment.posts.api import router
from lnob.urls import urlpatterns as project

PREFIX = "/api/v1/employment/posts/"


def _mounted() -> bool:
    try:
        resolve(f"{PREFIX}posts", urlconf="lnob.urls")
    except Resolver404:
        return False
    return True


urlpatterns = list(project)
if not _mounted():
    shim = NinjaAPI(title="posts (test mount)", urls_namespace="posts_test_api", auth=main_api.auth)
    shim.add_exception_handler(NotFound, main_api._exception_handlers[NotFound])
    shim.add_exception_handler(DomainError, main_api._exception_handlers[DomainError])
    shim.add_router("/v1/employment/posts", router)
    urlpatterns.insert(0, path("api/", shim.urls))
