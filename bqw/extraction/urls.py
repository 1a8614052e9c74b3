from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="extraction-index"),
    path("<int:pk>/", views.review, name="extraction-review"),
    path("items/<int:pk>/", views.item_row, name="extraction-item"),
    path("items/<int:pk>/edit/", views.item_edit, name="extraction-item-edit"),
    path("items/<int:pk>/reject/", views.item_reject, name="extraction-item-reject"),
    path("items/<int:pk>/reopen/", views.item_reopen, name="extraction-item-reopen"),
    path("items/<int:pk>/accept/", views.item_accept, name="extraction-item-accept"),
]
