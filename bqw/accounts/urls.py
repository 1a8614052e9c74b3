from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("audit/", views.audit_log, name="accounts-audit"),
]

from . import manage_views  # noqa: E402  (the headquarters' people pages, issue 11)

urlpatterns += [
    path("manage/", manage_views.manage_index, name="manage-index"),
    path("tokens/", manage_views.tokens_page, name="accounts-tokens"),
    path("tokens/<int:pk>/revoke/", manage_views.token_revoke_view, name="accounts-token-revoke"),
    path("users/", manage_views.users_page, name="accounts-users"),
    path("users/new/", manage_views.user_new, name="accounts-user-new"),
    path("users/<int:pk>/", manage_views.user_detail, name="accounts-user"),
]
