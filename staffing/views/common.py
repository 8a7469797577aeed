"""What the roster pages share: the page size, the eligibility failures box, and the township a posted action is for."""

from django.http import Http404, HttpRequest

from accounts.models import Role
from rivers.models import Township
from rivers.selectors import townships_visible_to
from staffing import forms as roster_forms

ROSTER_PAGE_SIZE = 50


def failures_of(found: list[tuple[str, str]]) -> list[tuple[str, str, list[str]]]:
    """The selector's (code, message) pairs in the shape of the failures box: (code, heading, [messages])."""
    return [(code, str(roster_forms.ELIGIBILITY_CODES.get(code, code)), [message]) for code, message in found]


def township_posted(request: HttpRequest) -> Township:
    """The township an action is for: one picked inside the user's scope (else 404); a township office's own
    when none is named."""
    user = request.user
    if user.role == Role.TOWNSHIP_OFFICE and not request.POST.get("township"):
        return user.township
    township = roster_forms.TownshipPickForm(request.POST, townships=townships_visible_to(user)).chosen_township()
    if township is None:
        raise Http404
    return township
