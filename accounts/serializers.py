from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class LoginSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("用户名"))
    password = serializers.CharField(label=_("密码"), style={"input_type": "password"}, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    expiry = serializers.DateTimeField()


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
    role = serializers.CharField()
    display_name = serializers.CharField()
    patroller = MePatrollerSerializer(allow_null=True)
    scope = ScopeSerializer()
