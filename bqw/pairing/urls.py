from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="pairing-index"),
    path("coverage.json", views.coverage_json, name="pairing-coverage-json"),
    path("export.xlsx", views.export, name="pairing-export"),
    path("import/", views.import_view, name="pairing-import"),
    path("<int:pk>/", views.detail, name="pairing-detail"),
    path("<int:pk>/commit/", views.commit, name="pairing-commit"),
    path("<int:pk>/projects/", views.add_project, name="pairing-add-project"),
    path("commitments/<int:pk>/deliver/", views.deliver, name="pairing-deliver"),
    path("helpers/<int:pk>/", views.helper, name="pairing-helper"),
    path("helped/<str:code>/", views.helped_region, name="pairing-helped-region"),
    path("helped-org/<int:pk>/", views.helped_org, name="pairing-helped-org"),
    path("evidence/<int:pk>/", views.evidence_download, name="pairing-evidence"),
]
