"""The sign-in page: patrollers go on to their phone app (`/m/`), offices to their pages."""

from django.contrib.auth import views as auth_views
from django.urls import reverse

from accounts.models import Role


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        """Where to go when the login link named no `next` page."""
        if self.request.user.is_authenticated and self.request.user.role == Role.PATROLLER:
            return reverse("mobile-app")
        return super().get_default_redirect_url()
