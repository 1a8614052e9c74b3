from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="orgs-index"),
    path("<int:pk>/", views.detail, name="orgs-detail"),
]
