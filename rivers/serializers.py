from rest_framework import serializers

from rivers.models import Segment, WaterBody


class BlankAsNullChoiceField(serializers.ChoiceField):
    """A choice column stored as "" when it does not apply, answered as null (API.md: reservoirs only…)."""

    def __init__(self, **kwargs):
        super().__init__(allow_null=True, read_only=True, **kwargs)

    def to_representation(self, value):
        return value or None


class WaterBodySerializer(serializers.ModelSerializer):
    size_class = BlankAsNullChoiceField(choices=WaterBody.SizeClass.choices)
    basin = BlankAsNullChoiceField(choices=WaterBody.Basin.choices)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = WaterBody
        fields = ["id", "code", "name", "kind", "kind_display", "size_class", "basin", "length_km"]
        read_only_fields = fields


class SegmentSerializer(serializers.ModelSerializer):
    # Read from the prefetch cache of the selector, never a query per row.
    villages = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    water_body_name = serializers.CharField(source="water_body.name", read_only=True)
    township_name = serializers.CharField(source="township.name", read_only=True)

    class Meta:
        model = Segment
        fields = [
            "id",
            "code",
            "name",
            "water_body",
            "water_body_name",
            "township",
            "township_name",
            "villages",
            "length_km",
            "basis",
            "required_patrollers",
            "geometry",
            "river_chiefs",
        ]
        read_only_fields = fields
