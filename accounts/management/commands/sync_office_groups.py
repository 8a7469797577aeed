"""`manage.py sync_office_groups [--assign-staff]`: the admin groups of the office levels (accounts.office_groups)."""

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.office_groups import OFFICE_GROUPS, office_groups_sync


class Command(BaseCommand):
    help = (
        "创建或更新河长办用户组(乡级河长办、县级河长办、市河长办)及其后台权限，使其与代码中的权限表一致；"
        "可重复运行，部署后(migrate 之后)运行一次。seed_demo 会自动运行。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--assign-staff",
            action="store_true",
            help="同时把每个河长办后台账号(is_staff)放入其角色对应的用户组",
        )

    def handle(self, *args, assign_staff: bool = False, **options) -> None:
        users = User.objects.filter(is_staff=True, role__in=list(OFFICE_GROUPS)) if assign_staff else []
        groups = office_groups_sync(users=users)
        for group in groups.values():
            self.stdout.write(
                _("用户组 %(name)s：%(perms)d 项权限，%(members)d 名成员。")
                % {"name": group.name, "perms": group.permissions.count(), "members": group.user_set.count()}
            )
