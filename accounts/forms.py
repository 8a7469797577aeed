"""The password forms of the account page and the admin: Django's forms (old password, the new one twice, the
validators), saved through `accounts.services.user_set_password` so that a new password signs out every device."""

from contextvars import ContextVar

from django.contrib.auth import forms as auth_forms

from accounts import services
from accounts.models import User

# The admin user changing someone's password, for the audit record: Django's admin builds the form with the target
# user only (UserAdmin.user_change_password sets this around the request; a context variable is per request).
admin_acting_user: ContextVar[User | None] = ContextVar("admin_acting_user", default=None)


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """One's own password, on the account page."""

    def save(self, commit: bool = True) -> User:
        services.user_set_password(user=self.user, password=self.cleaned_data["new_password1"], by=self.user)
        return self.user


class AdminPasswordChangeForm(auth_forms.AdminPasswordChangeForm):
    """Someone's password in the admin, or password login disabled for them (Django's "usable password" switch)."""

    def save(self, commit: bool = True) -> User:
        password = self.cleaned_data["password1"] if self.cleaned_data["set_usable_password"] else None
        services.user_set_password(user=self.user, password=password, by=admin_acting_user.get())
        return self.user
