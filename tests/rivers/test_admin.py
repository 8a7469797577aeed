"""The Django admin: pages load, office staff see only their scope, and the register import page."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role, User
from rivers.models import County, Segment, Township, Village, WaterBody
from tests.factories import make_user, staff
from tests.rivers.register_files import as_csv, as_xlsx, bad_register, good_register

MODELS = ["accounts/user", "rivers/county", "rivers/township", "rivers/village", "rivers/waterbody", "rivers/segment"]


def changelist_codes(response) -> list[str]:
    return sorted(obj.code for obj in response.context["cl"].result_list)


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS)
def test_every_changelist_and_add_page_loads_for_a_superuser(admin_client, cast, segments, model):
    assert admin_client.get(f"/admin/{model}/").status_code == 200
    assert admin_client.get(f"/admin/{model}/add/").status_code == 200


@pytest.mark.django_db
def test_change_pages_load_for_a_superuser(admin_client, cast, segments, places, river):
    for url in [
        reverse("admin:accounts_user_change", args=[cast["township_office"].pk]),
        reverse("admin:auth_user_password_change", args=[cast["township_office"].pk]),
        reverse("admin:rivers_county_change", args=[places["county"].pk]),
        reverse("admin:rivers_township_change", args=[places["township"].pk]),
        reverse("admin:rivers_village_change", args=[places["village"].pk]),
        reverse("admin:rivers_waterbody_change", args=[river.pk]),
        reverse("admin:rivers_segment_change", args=[segments["home"].pk]),
    ]:
        assert admin_client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_the_admin_speaks_chinese(admin_client):
    page = admin_client.get("/admin/").content.decode()
    assert "河湖(库)巡察员管理系统" in page
    assert "河段" in page


@pytest.mark.django_db
def test_township_office_staff_see_only_their_township(client, cast, segments, places):
    client.force_login(staff(cast["township_office"], "rivers", "accounts"))

    assert changelist_codes(client.get("/admin/rivers/segment/")) == ["S-HOME"]
    assert changelist_codes(client.get("/admin/rivers/township/")) == ["410105001"]
    assert changelist_codes(client.get("/admin/rivers/village/")) == ["410105001001", "410105001002"]
    assert changelist_codes(client.get("/admin/rivers/county/")) == ["410105"]
    assert changelist_codes(client.get("/admin/rivers/waterbody/")) == ["R001"]


@pytest.mark.django_db
def test_county_office_staff_see_their_county_and_its_users(client, cast, segments):
    client.force_login(staff(cast["county_office"], "rivers", "accounts"))

    assert changelist_codes(client.get("/admin/rivers/segment/")) == ["S-HOME", "S-NEIGH"]
    users = client.get("/admin/accounts/user/").context["cl"].result_list
    assert sorted(u.username for u in users) == [
        "county_office",
        "other_township_office",
        "patroller",
        "supervisor",
        "township_office",
        "village_chief",
    ]


@pytest.mark.django_db
def test_a_row_outside_the_scope_cannot_be_opened(client, cast, segments):
    client.force_login(staff(cast["township_office"], "rivers", "accounts"))

    response = client.get(reverse("admin:rivers_segment_change", args=[segments["far"].pk]))
    assert response.status_code == 302  # the admin's "does not exist" redirect
    response = client.get(reverse("admin:accounts_user_change", args=[cast["city_office"].pk]))
    assert response.status_code == 302


@pytest.mark.django_db
def test_office_staff_choose_only_places_in_their_scope(client, cast, segments, places):
    client.force_login(staff(cast["county_office"], "rivers", "accounts"))

    form = client.get("/admin/rivers/segment/add/").context["adminform"].form
    assert sorted(t.code for t in form.fields["township"].queryset) == ["410105001", "410105002"]
    assert "410122001001" not in [v.code for v in form.fields["villages"].queryset]

    form = client.get("/admin/accounts/user/add/").context["adminform"].form
    assert [c.code for c in form.fields["county"].queryset] == ["410105"]
    assert Role.CITY_OFFICE not in dict(form.fields["role"].choices)


@pytest.mark.django_db
def test_office_staff_cannot_save_a_segment_into_another_county(client, cast, segments, places, river):
    client.force_login(staff(cast["county_office"], "rivers", "accounts"))

    response = client.post(
        "/admin/rivers/segment/add/",
        {
            "code": "S-X",
            "name": "越界段",
            "water_body": river.pk,
            "township": places["far"].pk,
            "length_km": "1.00",
            "basis": "length",
        },
    )

    assert response.status_code == 200
    assert "township" in response.context["adminform"].form.errors
    assert not Segment.objects.filter(code="S-X").exists()


@pytest.mark.django_db
def test_office_staff_cannot_hand_out_superuser_or_permissions(client, cast):
    client.force_login(staff(cast["county_office"], "rivers", "accounts"))

    form = (
        client.get(reverse("admin:accounts_user_change", args=[cast["township_office"].pk])).context["adminform"].form
    )
    for name in ("is_superuser", "is_staff", "groups", "user_permissions"):
        assert name not in form.fields


@pytest.mark.django_db
def test_creating_a_user_in_the_admin_fills_township_and_county_from_the_village(admin_client, places):
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "chief2",
            "usable_password": "true",
            "password1": "a long enough password 1",
            "password2": "a long enough password 1",
            "role": Role.VILLAGE_CHIEF,
            "display_name": "村河长",
            "village": places["village"].pk,
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(username="chief2")
    assert (user.village, user.township, user.county) == (places["village"], places["township"], places["county"])
    assert user.check_password("a long enough password 1")


@pytest.mark.django_db
def test_segment_changelist_queries_do_not_grow_with_rows(admin_client, segments, places, river):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get("/admin/rivers/segment/").status_code == 200
        return len(queries)

    few = count_queries()
    for i in range(10):
        Segment.objects.create(
            code=f"S-{i}", name=f"段{i}", water_body=river, township=places["far"], length_km=Decimal("1.00")
        )
    assert count_queries() == few


# ---------------------------------------------------------------------------------------------- import page

IMPORT_URL = "/admin/rivers/waterbody/import/"


def upload(sheets) -> SimpleUploadedFile:
    ((name, content),) = as_xlsx(sheets)
    return SimpleUploadedFile(name, content)


@pytest.mark.django_db
def test_water_body_changelist_links_to_the_import_page(admin_client):
    page = admin_client.get("/admin/rivers/waterbody/").content.decode()
    assert IMPORT_URL in page
    assert "导入登记册" in page


@pytest.mark.django_db
def test_import_page_imports_a_good_workbook(admin_client):
    assert admin_client.get(IMPORT_URL).status_code == 200

    response = admin_client.post(IMPORT_URL, {"files": upload(good_register())}, follow=True)

    assert response.redirect_chain[-1][0] == "/admin/rivers/waterbody/"
    assert "登记册已导入" in response.content.decode()
    assert Segment.objects.get(code="S1").length_km == Decimal("4.01")
    assert WaterBody.objects.count() == 4


@pytest.mark.django_db
def test_import_page_accepts_several_csv_files_at_once(admin_client):
    files = [SimpleUploadedFile(name, content) for name, content in as_csv(good_register())]

    response = admin_client.post(IMPORT_URL, {"files": files})

    assert response.status_code == 302
    assert Village.objects.count() == 3


@pytest.mark.django_db
def test_import_page_refuses_a_bad_workbook_and_shows_every_row_error(admin_client):
    response = admin_client.post(IMPORT_URL, {"files": upload(bad_register())})

    assert response.status_code == 200
    page = response.content.decode()
    assert "登记册有11处错误，未导入任何数据" in page
    assert "segments 第6行“河湖库编码”：找不到编码为“R999”的河湖库。" in page
    assert "places 第7行“县级编码”" in page
    assert not County.objects.exists()
    assert not Township.objects.exists()


@pytest.mark.django_db
def test_export_link_downloads_a_workbook_that_import_reads(admin_client, segments):
    response = admin_client.get("/admin/rivers/waterbody/export/")

    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["places", "water_bodies", "segments"]


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "status"), [("county_office", 403), ("township_office", 403), ("city_office", 200)])
def test_only_staff_who_see_the_whole_city_may_import(client, cast, role, status):
    client.force_login(staff(cast[role], "rivers", "accounts"))

    assert client.get(IMPORT_URL).status_code == status
    assert client.post(IMPORT_URL, {"files": upload(good_register())}).status_code == (302 if status == 200 else 403)


@pytest.mark.django_db
def test_import_page_sends_non_staff_to_the_login_page(client, cast):
    client.force_login(cast["city_office"])

    response = client.get(IMPORT_URL)

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_city_office_staff_without_register_permissions_may_not_import(client, places):
    user = staff(make_user("city_clerk", Role.CITY_OFFICE), "accounts")

    client.force_login(user)

    assert client.get(IMPORT_URL).status_code == 403
