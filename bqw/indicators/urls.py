from django.urls import path

from . import views

urlpatterns = [
    path("entry/", views.entry, name="indicators-entry"),
    path("review/", views.review, name="indicators-review"),
    path("review/approve/", views.review_approve_many, name="indicators-review-approve"),
    path("review/<int:pk>/<str:action>/", views.review_action, name="indicators-review-action"),
    path("targets/", views.targets, name="indicators-targets"),
    path("targets/<int:pk>/units/", views.target_units, name="indicators-target-units"),
    path("template/", views.template, name="indicators-template"),
    path("upload/", views.upload, name="indicators-upload"),
]
