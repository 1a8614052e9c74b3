from django.urls import path

from . import catalog_views, views

urlpatterns = [
    path("entry/", views.entry, name="indicators-entry"),
    path("review/", views.review, name="indicators-review"),
    path("review/approve/", views.review_approve_many, name="indicators-review-approve"),
    path("review/<int:pk>/<str:action>/", views.review_action, name="indicators-review-action"),
    path("targets/", views.targets, name="indicators-targets"),
    path("targets/<int:pk>/units/", views.target_units, name="indicators-target-units"),
    path("template/", views.template, name="indicators-template"),
    path("upload/", views.upload, name="indicators-upload"),
    # a headquarters' own catalog, rules and targets (issue 11)
    path("catalog/", catalog_views.catalog, name="indicators-catalog"),
    path("catalog/<int:pk>/", catalog_views.indicator_edit, name="indicators-catalog-edit"),
    path("rules/", catalog_views.rules, name="indicators-rules"),
    path("rules/<int:pk>/", catalog_views.rule_edit, name="indicators-rule-edit"),
    path("targets/manage/", catalog_views.targets_manage, name="indicators-targets-manage"),
    path("targets/preview/", catalog_views.target_preview, name="indicators-target-preview"),
    path("targets/import/", catalog_views.targets_import_view, name="indicators-targets-import"),
    path("targets/<int:pk>/edit/", catalog_views.target_edit, name="indicators-target-edit"),
]
