from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from bqw.api import api
from bqw.core import views as core_views

admin.site.site_header = "百千万工程指挥信息平台 · 后台管理"
admin.site.site_title = "bqw 后台"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("accounts/", include("bqw.accounts.urls")),
    path("regions/", include("bqw.regions.urls")),
    path("orgs/", include("bqw.orgs.urls")),
    path("extraction/", include("bqw.extraction.urls")),
    path("plans/", include("bqw.plans.urls")),
    path("projects/", include("bqw.projects.urls")),
    path("indicators/", include("bqw.indicators.urls")),
    path("briefings/", include("bqw.briefings.urls")),
    path("assessment/", include("bqw.assessment.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False)),
]

handler500 = "bqw.core.requests.server_error"
