"""`manage.py changepassword [username]`: Django's command, saving through `accounts.services.user_set_password`
so that the new password signs the user out of every device (their API tokens are revoked).

It replaces django.contrib.auth's command of the same name because `accounts` comes before `django.contrib.auth`
in INSTALLED_APPS (the first app to define a command wins). Same prompts, tries and validators as Django's."""

from django.contrib.auth import get_user_model
from django.contrib.auth.management.commands import changepassword
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from accounts import services

MAX_TRIES = 3


class Command(changepassword.Command):
    help = "Change a user's password and sign them out of every device (their API tokens are revoked)."

    def handle(self, *args, **options) -> str:
        user_model = get_user_model()
        username = options["username"] or changepassword.getpass.getuser()
        try:
            user = user_model._default_manager.using(options["database"]).get(**{user_model.USERNAME_FIELD: username})
        except user_model.DoesNotExist:
            raise CommandError(f"user '{username}' does not exist") from None

        self.stdout.write(f"Changing password for user '{user}'")
        for _try in range(MAX_TRIES):
            first = self._get_pass()
            second = self._get_pass("Password (again): ")
            if first != second:
                self.stdout.write("Passwords do not match. Please try again.")
                continue
            try:
                validate_password(second, user)
            except ValidationError as err:
                self.stderr.write("\n".join(err.messages))
                continue
            revoked = services.user_set_password(user=user, password=first, by=None)
            return f"Password changed successfully for user '{user}'; signed out of {revoked} device(s)"
        raise CommandError(f"Aborting password change for user '{user}' after {MAX_TRIES} attempts")
