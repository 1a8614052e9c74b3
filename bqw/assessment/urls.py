from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="assessment-index"),
    path("new/", views.scheme_new, name="assessment-new"),
    path("external/", views.external_add, name="assessment-external-add"),
    path("publications/<int:pk>/", views.publication_view, name="assessment-publication"),
    path("<int:pk>/", views.result_view, name="assessment-result"),
    path("<int:pk>/units/<str:code>/", views.unit_view, name="assessment-unit"),
    path("<int:pk>/edit/", views.editor, name="assessment-edit"),
    path("<int:pk>/preview/", views.preview, name="assessment-preview"),
    path("<int:pk>/items/", views.save_items, name="assessment-items"),
    path("<int:pk>/settings/", views.save_settings, name="assessment-settings"),
    path("<int:pk>/publish/", views.publish, name="assessment-publish"),
    path("<int:pk>/adjustments/", views.adjustment, name="assessment-adjustment"),
    path("<int:pk>/export.xlsx", views.export, name="assessment-export"),
]
