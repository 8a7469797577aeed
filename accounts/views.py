"""The sign-in page (patrollers go on to their phone app, `/m/`; offices to their pages) and the account page
(我的账号): one's own password and signed-in devices, for every user with a login."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import selectors, services
from accounts.forms import PasswordChangeForm
from accounts.models import Role, TokenRevocation


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        """Where to go when the login link named no `next` page."""
        if self.request.user.is_authenticated and self.request.user.role == Role.PATROLLER:
            return reverse("mobile-app")
        return super().get_default_redirect_url()


def _page(request: HttpRequest, form: PasswordChangeForm, *, status: int = 200) -> HttpResponse:
    user = request.user
    context = {
        "form": form,
        "devices": selectors.devices_of(user=user),
        "last_sign_out": selectors.last_sign_out(user=user),
    }
    return render(request, "accounts/account.html", context, status=status)


@login_required
def account(request: HttpRequest) -> HttpResponse:
    return _page(request, PasswordChangeForm(request.user))


@login_required
@require_POST
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    form.save()
    update_session_auth_hash(request, form.user)  # this browser stays signed in; Django ends the user's others
    messages.success(request, _("密码已修改。所有手机和应用上的登录已退出，请用新密码重新登录。"))
    return redirect("account")


@login_required
@require_POST
def logout_all(request: HttpRequest) -> HttpResponse:
    count = services.user_tokens_revoke(user=request.user, by=request.user, reason=TokenRevocation.Reason.LOGOUT_ALL)
    messages.success(request, _("已退出%(count)d台手机或应用上的登录。") % {"count": count})
    return redirect("account")
