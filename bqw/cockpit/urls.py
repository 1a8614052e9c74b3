from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="cockpit-index"),
    path("maps/<str:code>.json", views.map_geometry, name="cockpit-map"),
    path("<str:code>/", views.page, name="cockpit-page"),
    path("<str:code>/export.xlsx", views.export, name="cockpit-export"),
]
