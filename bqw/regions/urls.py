from django.urls import path

from . import views

urlpatterns = [
    path("", views.browse, name="regions-browse"),
    path("classes/import/", views.classes_import, name="regions-classes-import"),
    path("pick/", views.pick, name="regions-pick"),
    path("<str:code>/", views.detail, name="regions-detail"),
    path("<str:code>/four-eyes/", views.four_eyes, name="regions-four-eyes"),
]
