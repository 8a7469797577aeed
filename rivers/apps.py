from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiversConfig(AppConfig):
    name = "rivers"
    verbose_name = _("河湖登记")
