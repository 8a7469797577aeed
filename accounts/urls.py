"""Routes of accounts: the sign-in and account pages, mounted under /accounts/ by config/urls.py, and
`api_urlpatterns` (the phones' token sign-in and sign-out), mounted under /api/v1/."""

from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views
from accounts.api import LogoutAllView, LogoutView, TokenLoginView

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.account, name="account"),
    path("password/", views.password_change, name="account-password"),
    path("logout-all/", views.logout_all, name="account-logout-all"),
]

api_urlpatterns = [
    path("auth/token/", TokenLoginView.as_view(), name="auth-token"),
    path("auth/logout/", LogoutView.as_view(), name="auth-logout"),
    path("auth/logout-all/", LogoutAllView.as_view(), name="auth-logout-all"),
]
