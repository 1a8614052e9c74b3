"""The headquarters' people pages (users, tokens, the 管理 hub), under /accounts/ beside login and audit: they need
organizations and regions, so they live in orgs, above accounts."""

from django.urls import path

from . import people_views

urlpatterns = [
    path("manage/", people_views.manage_index, name="manage-index"),
    path("tokens/", people_views.tokens_page, name="accounts-tokens"),
    path("tokens/<int:pk>/revoke/", people_views.token_revoke_view, name="accounts-token-revoke"),
    path("users/", people_views.users_page, name="accounts-users"),
    path("users/new/", people_views.user_new, name="accounts-user-new"),
    path("users/<int:pk>/", people_views.user_detail, name="accounts-user"),
]
