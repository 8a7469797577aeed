"""Writes about accounts: passwords and the API tokens of a user's devices.

Every way a password changes — the account page, the admin, `manage.py changepassword` (accounts overrides Django's
command) — goes through `user_set_password`, which revokes every API token of the user in the same transaction:
a phone that was logged in with the old password must log in again. Django itself ends the user's other browser
sessions on a password change (the session carries a hash of the password). A hash upgrade at login (a PBKDF2 hash
rewritten as Argon2, accounts/hashers.py) is not a change of password and signs nobody out.
"""

from django.db import transaction
from knox.models import AuthToken

from accounts.models import TokenRevocation, User


def user_tokens_revoke(*, user: User, by: User | None, reason: TokenRevocation.Reason) -> int:
    """Sign `user` out of every device (delete all their API tokens) and record who did it; how many were revoked."""
    with transaction.atomic():
        _total, deleted = AuthToken.objects.filter(user=user).delete()
        count = deleted.get(AuthToken._meta.label, 0)
        record = TokenRevocation(user=user, by=by, reason=reason, tokens=count)
        record.full_clean()
        record.save()
    return count


def user_set_password(*, user: User, password: str | None, by: User | None) -> int:
    """Set `user`'s password (None: no usable password, password login disabled) and revoke all their API tokens.

    The caller has validated the password (Django's validators, through its form or prompt). Returns the number
    of devices signed out."""
    with transaction.atomic():
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        user.save(update_fields=["password"])
        return user_tokens_revoke(user=user, by=by, reason=TokenRevocation.Reason.PASSWORD_CHANGED)
