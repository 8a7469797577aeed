"""The roster in the Django admin (issue 3): office staff open it through their office group, see only their scope,
read ID numbers and phones in full only where they manage the person, and write only through the services.

The cast (tests/conftest.py): 张伟 is hired by the home township office (丰庆路街道), 王芳 by the county office
(金水区) onto the home township's roster, 远方 by the township office of 官渡镇 in another county.
"""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role, User
from accounts.office_groups import OFFICE_GROUPS, office_groups_sync
from rivers import demo
from rivers.models import County, Township, Village
from staffing import rules, services
from staffing.models import Applicant, AuditEntry, Contract, Patroller, Vacancy
from tests.factories import candidate, hire, make_user

pytestmark = pytest.mark.django_db

START = date(2026, 3, 1)
MODELS = ["patroller", "contract", "assignment", "vacancy", "applicant", "rosterchange", "rosterfiling", "auditentry"]
READ_ONLY = ["contract", "assignment", "vacancy", "rosterchange", "rosterfiling", "auditentry"]


def changelist(model: str) -> str:
    return f"/admin/staffing/{model}/"


def change_page(obj) -> str:
    return reverse(f"admin:staffing_{obj._meta.model_name}_change", args=[obj.pk])


def office_staff(user: User) -> User:
    """Admin access through the office group of the user's role, as `sync_office_groups --assign-staff` gives it."""
    user.is_staff = True
    user.save()
    office_groups_sync(users=[user])
    return User.objects.get(pk=user.pk)  # fresh, without the permission cache


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def names(response) -> list[str]:
    return sorted(
        str(row.patroller if hasattr(row, "patroller") else row) for row in response.context["cl"].result_list
    )


@pytest.fixture
def roster(cast, places, segments):
    """张伟 (township hire, under contract), 王芳 (county hire, candidate, applying for a vacancy), 远方 (far)."""
    township_office, county_office = cast["township_office"], cast["county_office"]
    zhang = candidate(township_office, places["village"], name="张伟", phone="13811112222")
    hire(zhang, segments["home"], township_office, START)
    wang = candidate(county_office, places["village"], township=places["township"], name="王芳", phone="13933334444")
    vacancy = services.vacancy_open(segment=segments["home"], reason=Vacancy.Reason.BELOW_STANDARD, by=township_office)
    applicant = services.applicant_add(vacancy=vacancy, patroller=wang, by=township_office)
    filing = services.roster_file(township=places["township"], by=township_office)
    far_office = make_user("far_office", Role.TOWNSHIP_OFFICE, county=places["other_county"], township=places["far"])
    far = candidate(far_office, places["far_village"], name="远方", phone="13755556666")
    hire(far, segments["far"], far_office, START)
    return {
        "zhang": Patroller.objects.get(pk=zhang.pk),
        "wang": Patroller.objects.get(pk=wang.pk),
        "far": Patroller.objects.get(pk=far.pk),
        "vacancy": vacancy,
        "applicant": applicant,
        "filing": filing,
    }


# --- pages load ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", MODELS)
def test_every_roster_changelist_and_change_page_loads_for_a_superuser(admin_client, roster, model):
    response = admin_client.get(changelist(model))

    assert response.status_code == 200
    rows = response.context["cl"].result_list
    assert rows, model
    assert admin_client.get(change_page(rows[0])).status_code == 200


@pytest.mark.parametrize("model", MODELS)
def test_every_roster_changelist_loads_for_the_township_office_and_shows_only_its_township(cast, roster, model):
    client = logged_in(office_staff(cast["township_office"]))

    response = client.get(changelist(model))

    assert response.status_code == 200
    assert "远方" not in response.content.decode()


def test_the_township_office_sees_its_roster_and_not_the_far_township(cast, roster):
    client = logged_in(office_staff(cast["township_office"]))

    assert names(client.get(changelist("patroller"))) == ["张伟", "王芳"]
    assert names(client.get(changelist("contract"))) == ["张伟"]
    # Outside the scope a row does not exist: the admin's "not found" redirect, never the page.
    assert client.get(change_page(roster["far"])).status_code == 302
    far_contract = Contract.objects.get(patroller=roster["far"])
    assert client.get(change_page(far_contract)).status_code == 302


def test_the_audit_trail_shows_only_entries_about_patrollers_and_contracts_in_scope(cast, roster):
    client = logged_in(office_staff(cast["other_township_office"]))
    assert client.get(changelist("auditentry")).context["cl"].result_count == 0

    client = logged_in(office_staff(cast["township_office"]))
    entries = client.get(changelist("auditentry")).context["cl"].result_list
    ids = {(entry.entity, entry.entity_id) for entry in entries}
    assert ("patroller", roster["zhang"].pk) in ids
    assert ("patroller", roster["far"].pk) not in ids
    assert all(entry.entity in ("patroller", "contract") for entry in entries)


# --- personal data --------------------------------------------------------------------------------------------------


def test_the_county_office_sees_a_township_hire_masked_and_its_own_hire_in_full(cast, roster):
    zhang, wang = roster["zhang"], roster["wang"]
    client = logged_in(office_staff(cast["county_office"]))

    page = client.get(changelist("patroller")).content.decode()

    assert zhang.id_number not in page and zhang.phone not in page
    assert rules.mask_id_number(zhang.id_number) in page and rules.mask_phone(zhang.phone) in page
    assert wang.id_number in page and wang.phone in page


def test_the_township_office_sees_its_hire_in_full_and_the_county_hire_masked(cast, roster):
    zhang, wang = roster["zhang"], roster["wang"]
    client = logged_in(office_staff(cast["township_office"]))

    page = client.get(changelist("patroller")).content.decode()

    assert zhang.id_number in page and zhang.phone in page
    assert wang.id_number not in page and wang.phone not in page
    assert rules.mask_id_number(wang.id_number) in page


def test_a_non_managing_office_reads_the_change_form_masked_and_cannot_edit_it(cast, roster):
    zhang = roster["zhang"]
    client = logged_in(office_staff(cast["county_office"]))

    response = client.get(change_page(zhang))

    page = response.content.decode()
    assert response.status_code == 200
    assert zhang.id_number not in page and zhang.phone not in page
    assert rules.mask_id_number(zhang.id_number) in page and rules.mask_phone(zhang.phone) in page
    # The masked ID number hides exactly the birth date, so the birth date is not shown either (age instead).
    assert "出生日期" not in page and "年龄" in page
    assert 'name="id_number"' not in page and 'name="phone"' not in page
    assert client.post(change_page(zhang), {"name": "改名"}).status_code == 403


def test_the_managing_office_edits_the_full_record_and_a_superuser_reads_it_in_full(cast, roster, admin_client):
    zhang = roster["zhang"]

    page = logged_in(office_staff(cast["township_office"])).get(change_page(zhang)).content.decode()
    assert f'name="id_number" value="{zhang.id_number}"' in page
    assert f'name="phone" value="{zhang.phone}"' in page
    assert "出生日期" in page

    page = admin_client.get(change_page(zhang)).content.decode()
    assert zhang.id_number in page and zhang.phone in page
    assert 'name="id_number"' not in page  # read-only: only the hiring office changes the record


def test_id_numbers_phones_and_birth_dates_cannot_be_searched_or_filtered_on(cast, roster):
    zhang = roster["zhang"]
    client = logged_in(office_staff(cast["county_office"]))

    assert client.get(changelist("patroller"), {"q": zhang.id_number}).context["cl"].result_count == 0
    assert client.get(changelist("patroller"), {"q": zhang.phone}).context["cl"].result_count == 0
    assert client.get(changelist("patroller"), {"q": "张伟"}).context["cl"].result_count == 1
    # A partial match would tell, digit by digit, whose number starts how: refused outright.
    for lookup in ("id_number__startswith", "id_number", "phone__contains", "birth_date__year"):
        response = client.get(changelist("patroller"), {lookup: zhang.id_number[:6]})
        assert response.status_code == 400, lookup
    assert client.get(changelist("applicant"), {"patroller__id_number__startswith": "4101"}).status_code == 400


# --- writes ---------------------------------------------------------------------------------------------------------


def patroller_form(patroller: Patroller, **changes) -> dict:
    data = {
        "name": patroller.name,
        "id_number": patroller.id_number,
        "phone": patroller.phone,
        "residence_village": patroller.residence_village_id,
        "user": "",
        "healthy": "on",
        "_save": "保存",
    }
    return {**data, **changes}


def test_the_managing_office_changes_a_phone_through_the_service_and_it_is_audited_without_the_number(cast, roster):
    zhang = roster["zhang"]
    client = logged_in(office_staff(cast["township_office"]))

    response = client.post(change_page(zhang), patroller_form(zhang, phone="13600001111"))

    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    zhang.refresh_from_db()
    assert zhang.phone == "13600001111"
    entry = AuditEntry.objects.filter(entity="patroller", entity_id=zhang.pk, action="update").get()
    assert entry.user == cast["township_office"]
    assert entry.new["personal_data_changed"] == ["phone"]
    assert "13600001111" not in str(entry.new) and "13811112222" not in str(entry.old)


def test_an_invalid_id_number_is_refused_in_the_admin_as_on_the_office_pages(cast, roster):
    zhang = roster["zhang"]
    client = logged_in(office_staff(cast["township_office"]))
    wrong_check = zhang.id_number[:-1] + ("0" if zhang.id_number[-1] != "0" else "1")

    response = client.post(change_page(zhang), patroller_form(zhang, id_number=wrong_check, phone="123"))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"id_number", "phone"}
    zhang.refresh_from_db()
    assert zhang.phone == "13811112222"


def test_read_only_roster_models_refuse_add_and_change_even_for_a_superuser(admin_client, roster):
    for model in [*READ_ONLY, "patroller", "applicant"]:
        assert admin_client.get(f"{changelist(model)}add/").status_code == 403, model
    for model in READ_ONLY:
        row = admin_client.get(changelist(model)).context["cl"].result_list[0]
        assert admin_client.post(change_page(row), {}).status_code == 403, model
        assert admin_client.get(reverse(f"admin:staffing_{model}_delete", args=[row.pk])).status_code == 403
    contract = Contract.objects.get(patroller=roster["zhang"])
    page = admin_client.get(change_page(contract)).content.decode()
    assert "花名册" in page and 'name="end"' not in page


def test_an_office_enters_applicant_scores_and_the_vacancy_is_re_ranked(cast, roster):
    applicant = roster["applicant"]
    client = logged_in(office_staff(cast["township_office"]))

    response = client.post(change_page(applicant), {"exam_score": "80", "interview_score": "90", "_save": "保存"})

    assert response.status_code == 302
    applicant = Applicant.objects.get(pk=applicant.pk)
    assert (applicant.total, applicant.rank) == (Decimal("85.00"), 1)


def test_scores_out_of_range_are_refused_and_a_closed_vacancy_takes_no_scores(cast, roster):
    applicant = roster["applicant"]
    client = logged_in(office_staff(cast["township_office"]))

    response = client.post(change_page(applicant), {"exam_score": "101", "interview_score": "90"})
    assert response.status_code == 200 and "exam_score" in response.context["adminform"].form.errors

    services.vacancy_cancel(vacancy=roster["vacancy"], by=cast["township_office"])
    response = client.post(change_page(applicant), {"exam_score": "80", "interview_score": "90"})
    assert response.status_code == 403
    assert Applicant.objects.get(pk=applicant.pk).exam_score is None


# --- query counts ---------------------------------------------------------------------------------------------------


def test_the_patroller_changelist_takes_the_same_queries_for_many_rows(
    cast, places, segments, roster, django_assert_num_queries
):
    client = logged_in(office_staff(cast["county_office"]))
    client.get(changelist("patroller"))  # warm the content-type cache

    # session, user, the user's own and group permissions (two), the township filter's choices, the count and the
    # unfiltered count, the rows with their townships and counties, their active assignments with segments
    with django_assert_num_queries(9):
        client.get(changelist("patroller"))
    for n in range(4):
        person = candidate(cast["county_office"], places["village"], township=places["township"], name=f"李{n}")
        hire(person, segments["home"], cast["county_office"], START)
    with django_assert_num_queries(9):
        response = client.get(changelist("patroller"))

    assert response.context["cl"].result_count == 6


# --- office groups --------------------------------------------------------------------------------------------------


def test_each_office_group_may_view_the_roster_and_change_only_what_the_admin_lets_it(cast):
    township = office_staff(cast["township_office"])
    county = office_staff(cast["county_office"])
    city = office_staff(cast["city_office"])

    for user in (township, county, city):
        assert user.has_perms([f"staffing.view_{model}" for model in MODELS])
        assert not any(user.has_perm(f"staffing.{action}_contract") for action in ("add", "change", "delete"))
        assert not user.has_perm("staffing.delete_patroller")
    assert township.has_perm("staffing.change_patroller") and township.has_perm("rivers.change_segment")
    assert not township.has_perm("rivers.add_segment")
    assert county.has_perm("rivers.add_segment") and county.has_perm("rivers.change_village")
    assert not county.has_perm("rivers.change_waterbody")
    assert city.has_perm("rivers.add_waterbody") and not city.has_perm("staffing.change_patroller")
    assert [g.name for g in township.groups.all()] == ["乡级河长办"]


def test_sync_office_groups_is_idempotent_and_puts_office_staff_into_their_group(cast):
    county = cast["county_office"]
    county.is_staff = True
    county.save()
    call_command("sync_office_groups", stdout=StringIO())
    county.groups.add(Group.objects.get(name=OFFICE_GROUPS[Role.TOWNSHIP_OFFICE]))  # a wrong group

    call_command("sync_office_groups", "--assign-staff", stdout=StringIO())

    assert [g.name for g in county.groups.all()] == ["县级河长办"]
    assert not cast["township_office"].groups.exists()  # not staff: no admin group
    with CaptureQueriesContext(connection) as queries:
        call_command("sync_office_groups", "--assign-staff", stdout=StringIO())
    writes = [q["sql"] for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]
    assert writes == []


@pytest.fixture
def demo_places():
    """Just the places the demo accounts are tied to (the whole register is not needed)."""
    county = County.objects.create(code=demo.DEMO_COUNTY_CODE, name="金水区", kind=County.Kind.DISTRICT)
    township = Township.objects.create(county=county, code=demo.DEMO_TOWNSHIP_CODE, name="人民路街道")
    Township.objects.create(county=county, code=demo.DEMO_OTHER_TOWNSHIP_CODE, name="丰庆路街道")
    Village.objects.create(township=township, code=demo.DEMO_VILLAGE_CODE, name="幸福社区")


def test_the_demo_office_users_open_the_admin_and_see_the_roster(demo_places):
    demo.seed_users("demo-password-123")

    for username, group in [("demo_township", "乡级河长办"), ("demo_county", "县级河长办"), ("demo_city", "市河长办")]:
        user = User.objects.get(username=username)
        assert [g.name for g in user.groups.all()] == [group]
        client = logged_in(user)
        index = client.get("/admin/")
        assert index.status_code == 200, username
        page = index.content.decode()
        for model in MODELS:
            assert f'href="{changelist(model)}"' in page, (username, model)
        assert "巡察员" in page and "管护合同" in page
        assert client.get(changelist("patroller")).status_code == 200
    assert not User.objects.get(username="demo_patroller").groups.exists()
