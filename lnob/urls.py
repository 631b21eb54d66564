from django.apps import apps
from django.contrib import admin
from django.urls import include, path

CHANNELS = ("workshops", "workstations", "fairs", "posts", "training", "loans", "subsidies")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("lnob.api.urls")),
    path("exchange/", include("lnob.exchange.urls")),
    path("monitoring/", include("lnob.monitoring.urls")),
    *[
        path(f"employment/{name}/", include(f"lnob.employment.{name}.urls"))
        for name in CHANNELS
        if apps.is_installed(f"lnob.employment.{name}")
    ],
    path("employment/", include("lnob.employment.urls")),
    *([path("measures/", include("lnob.measures.urls"))] if apps.is_installed("lnob.measures") else []),
    *([path("matching/", include("lnob.matching.urls"))] if apps.is_installed("lnob.matching") else []),
    path("", include("lnob.web.urls")),
]
