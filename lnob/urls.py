from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("lnob.api.urls")),
    path("exchange/", include("lnob.exchange.urls")),
    path("monitoring/", include("lnob.monitoring.urls")),
    path("employment/", include("lnob.employment.urls")),
    path("", include("lnob.web.urls")),
]
