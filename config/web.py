"""What every page shares: ids from paths and query strings, who may open a page, the list filters, a service's
errors on a form, a form's errors as a message, and the township a page is about.

An id is ASCII digits, 1 to MAX_ID. Python's own `str.isdigit()` and `int()` also take other scripts' digits
("²" is a digit that `int` refuses, "١٢" one it reads as 12), so every id a person can type goes through
`parse_id` (query strings, posted fields) or the `<id:…>` path converter, never through `int()` directly.
"""

from collections.abc import Callable, Collection
from functools import wraps
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.urls import register_converter
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.permissions import has_role
from accounts.scope import MAX_ID, require_place_in_scope
from rivers.models import Township
from rivers.selectors import townships_visible_to

F = TypeVar("F", bound=forms.Form)


def parse_id(raw: object) -> int | None:
    """The id written in `raw` (ASCII digits, 1…MAX_ID), else None."""
    text = str(raw) if isinstance(raw, int | str) and not isinstance(raw, bool) else ""
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


def id_or_404(raw: object) -> int:
    """The id of the object a request acts on (posted, or a path segment the URLconf did not check): one that
    cannot exist is not found."""
    value = parse_id(raw)
    if value is None:
        raise Http404
    return value


class IdConverter:
    """`<id:pk>`: a path segment that is an id; anything else (also one past the database's integer range, which
    would overflow SQLite) does not match, so the URL is not found."""

    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        parsed = parse_id(value)
        if parsed is None:
            raise ValueError(value)
        return parsed

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")


class IdField(forms.IntegerField):
    """A form field naming an object by id (`parse_id`): anything else, non-ASCII digits too, is the field's error."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("min_value", 1)  # for the number input's min and max; `parse_id` checks the range
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)

    def to_python(self, value) -> int | None:
        if value in self.empty_values:
            return None
        parsed = parse_id(str(value).strip())
        if parsed is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


def id_field(label, **kwargs) -> IdField:
    return IdField(required=False, label=label, **kwargs)


# The township picker's "全县" (whole county): every township of the county office's own county.
WHOLE_COUNTY = "all"


class TownshipOrWholeCountyField(forms.CharField):
    """The township picker of the review and sheet pages: a township id, WHOLE_COUNTY, or nothing (None)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def clean(self, value) -> int | str | None:
        value = (super().clean(value) or "").strip()
        if not value:
            return None
        if value == WHOLE_COUNTY:
            return value
        township = parse_id(value)
        if township is None:
            raise ValidationError(_("请选择乡镇(街道)或全县。"), code="invalid")
        return township


# --- who may open a page -----------------------------------------------------------------------------------------


def roles_required(roles: Collection[str]) -> Callable:
    """A page for `roles` only (accounts.permissions' sets), the API's RolePermission rule (`has_role`): signed out
    → the login page, other roles → 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def checked(request: HttpRequest, *args, **kwargs):
            if not has_role(request.user, roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(checked)

    return decorator


# --- list filters and form errors --------------------------------------------------------------------------------


def cleaned(form: forms.Form) -> dict:
    """A filter form's valid values: an invalid field is shown and left out, the valid ones still apply."""
    form.is_valid()
    return form.cleaned_data


def validated_filters(form_class: type[F], request: HttpRequest) -> tuple[F, dict]:
    """A list page's filter form over the query string and the values it applies (empty ones left out); a county
    or township outside the user's scope is not found."""
    form = form_class(request.GET)
    values = {key: value for key, value in cleaned(form).items() if value}
    require_place_in_scope(request.user, county_id=values.get("county"), township_id=values.get("township"))
    return form, values


def add_service_errors(form: forms.Form, error: ValidationError, *, skip: Collection[str] = ()) -> None:
    """A service's ValidationError on the form: known fields next to the field, the rest on top.

    Keys in `skip` (the eligibility codes, say) are shown apart by the page and left out here."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, field_messages in error.message_dict.items():
        if key not in skip:
            form.add_error(key if key in form.fields else None, field_messages)


def error_messages(error: ValidationError) -> list[str]:
    """Every message of a service's ValidationError, in order, for a row or a flash message."""
    if hasattr(error, "error_dict"):
        return [message for field_messages in error.message_dict.values() for message in field_messages]
    return list(error.messages)


def message_service_error(request: HttpRequest, error: ValidationError) -> None:
    """A service's refusal of a button on a list page, as one error message on the page it goes back to."""
    messages.error(request, " ".join(error_messages(error)))


def message_form_errors(request: HttpRequest, form: forms.Form) -> None:
    """A posted form that is not shown again (a button on a list page): its errors, joined, as one error message
    on the page it goes back to."""
    messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))


# --- the township a page is about --------------------------------------------------------------------------------


def township_for(user, wanted: int | None) -> Township:
    """The township asked for, inside the caller's scope (else 404); a township office's own by default, for the
    county and city offices the first of theirs."""
    if wanted is None and user.role == Role.TOWNSHIP_OFFICE:
        wanted = user.township_id
    if wanted is not None:
        require_place_in_scope(user, township_id=wanted)
        return Township.objects.select_related("county").get(pk=wanted)
    township = townships_visible_to(user).order_by("code").first()
    if township is None:
        raise Http404
    return township


def township_choices(user) -> list[Township]:
    """The township picker: nothing for a township office (its own is the page), else the ones in scope."""
    if user.role == Role.TOWNSHIP_OFFICE:
        return []
    return list(townships_visible_to(user).order_by("code"))
