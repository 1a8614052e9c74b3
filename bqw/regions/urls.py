from django.urls import path

from . import views

urlpatterns = [
    path("", views.browse, name="regions-browse"),
    path("<str:code>/", views.detail, name="regions-detail"),
]
