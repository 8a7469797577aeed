"""Existing contracts get their origin (renewal, hired from a vacancy, existing record): data only, in a
migration of its own so that PostgreSQL adds the constraints of the next one after these updates are committed."""

from django.db import migrations


def set_origins(apps, schema_editor):
    """Existing contracts: a renewal when it follows a previous one; hired from a vacancy when a filled vacancy
    names the person, the segment and the start; otherwise an existing record keyed in."""
    Contract = apps.get_model("staffing", "Contract")
    Vacancy = apps.get_model("staffing", "Vacancy")
    Contract.objects.filter(previous__isnull=False).update(origin="renewal")
    for vacancy in Vacancy.objects.filter(status="filled").order_by("pk"):
        contract = (
            Contract.objects.filter(
                patroller_id=vacancy.filled_by_id, segment_id=vacancy.segment_id, start=vacancy.filled_on
            )
            .order_by("pk")
            .first()
        )
        if contract is not None and contract.vacancy_id is None:
            contract.origin, contract.vacancy_id = "recruitment", vacancy.pk
            contract.save(update_fields=["origin", "vacancy"])


class Migration(migrations.Migration):
    dependencies = [
        ("staffing", "0002_contract_origin_and_passed_over"),
    ]

    operations = [
        migrations.RunPython(set_origins, migrations.RunPython.noop),
    ]
