from rest_framework import serializers

from rivers.models import Segment, WaterBody


class WaterBodySerializer(serializers.ModelSerializer):
    size_class = serializers.SerializerMethodField()
    basin = serializers.SerializerMethodField()
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = WaterBody
        fields = ["id", "code", "name", "kind", "kind_display", "size_class", "basin", "length_km"]

    def get_size_class(self, obj: WaterBody) -> str | None:
        return obj.size_class or None

    def get_basin(self, obj: WaterBody) -> str | None:
        return obj.basin or None


class SegmentSerializer(serializers.ModelSerializer):
    villages = serializers.SerializerMethodField()
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

    def get_villages(self, obj: Segment) -> list[int]:
        # Read from the prefetch cache, never a query per row.
        return [village.pk for village in obj.villages.all()]
