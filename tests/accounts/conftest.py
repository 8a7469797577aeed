"""Water bodies that lie only in part of the cast's world, to see scope cut the register.

neighbour_reservoir: a small reservoir only in 杨金路街道 (the home county, not the home township)
far_lake:            a lake only in 官渡镇 (the other county)
"""

import pytest

from rivers.models import Segment, WaterBody


@pytest.fixture
def neighbour_reservoir(places):
    body = WaterBody.objects.create(
        code="K001", name="杨金水库", kind=WaterBody.Kind.RESERVOIR, size_class=WaterBody.SizeClass.SMALL_1
    )
    Segment.objects.create(code="S-K001", name="杨金水库", water_body=body, township=places["neighbour"])
    return body


@pytest.fixture
def far_lake(places):
    body = WaterBody.objects.create(code="L001", name="官渡湖", kind=WaterBody.Kind.LAKE)
    Segment.objects.create(code="S-L001", name="官渡湖", water_body=body, township=places["far"], required_patrollers=3)
    return body
