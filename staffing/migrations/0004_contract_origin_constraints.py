from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("staffing", "0003_contract_origin_data"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='contract',
            constraint=models.CheckConstraint(condition=models.Q(('origin__in', ['recruitment', 'renewal', 'existing_record', 'reinstatement'])), name='contract_origin_valid'),
        ),
        migrations.AddConstraint(
            model_name='contract',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('origin', 'recruitment'), ('vacancy__isnull', False)), models.Q(models.Q(('origin', 'recruitment'), _negated=True), ('vacancy__isnull', True)), _connector='OR'), name='contract_vacancy_iff_recruitment'),
        ),
    ]
