from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="briefings-index"),
    path("<int:pk>/", views.detail, name="briefings-detail"),
    path("<int:pk>/progress/", views.progress, name="briefings-progress"),
    path("<int:pk>/download.<str:fmt>", views.download, name="briefings-download"),
    path("<int:pk>/revoke/", views.revoke, name="briefings-revoke"),
]
