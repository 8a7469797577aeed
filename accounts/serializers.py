from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import Role


class LoginSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("用户名"), max_length=150)
    password = serializers.CharField(
        label=_("密码"), max_length=4096, style={"input_type": "password"}, trim_whitespace=False, write_only=True
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("放在请求头 Authorization: Token <token> 中"))
    expiry = serializers.DateTimeField(help_text=_("到期时间；每次使用自动顺延"))


class ScopeSerializer(serializers.Serializer):
    county = serializers.IntegerField(allow_null=True)
    township = serializers.IntegerField(allow_null=True)
    village = serializers.IntegerField(allow_null=True)


class MeSegmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    water_body = serializers.CharField()


class MePatrollerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    segment = MeSegmentSerializer(allow_null=True)


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.choices, help_text=_("角色代码(SPEC §1)"))
    display_name = serializers.CharField()
    patroller = MePatrollerSerializer(allow_null=True)
    scope = ScopeSerializer()
