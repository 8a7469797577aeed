"""The demo data set of SPEC §2: Zhengzhou's 16 county-level units, 111 rivers, 16 lakes and 141 reservoirs.

Real county codes and real, well-known township, river, lake and reservoir names where we know them (placement
and lengths approximate), plainly synthetic ones otherwise ("示范河流037"). Everything is derived from fixed
seeds, so every run builds exactly the same rows; rows are upserted by `code` (users by username), so a second
run writes nothing. `manage.py seed_demo` calls, in order, `seed_register()`, `seed_users()` and then the seeds
of later apps.
"""

import math
import random
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.hashers import check_password, make_password
from django.db import models

from accounts.models import Role, User
from accounts.office_groups import office_groups_sync
from rivers.models import County, Segment, Township, Village, WaterBody

DEFAULT_PASSWORD = "demo12345"  # noqa: S105 - documented demo password (README, Makefile, command help)
SEED = "zhengzhou-2018-171"
RIVER_COUNT, LAKE_COUNT, RESERVOIR_COUNT = 111, 16, 141

Kind, Size, Basin = WaterBody.Kind, WaterBody.SizeClass, WaterBody.Basin

# One county-level unit per line: code, name, kind, centre (lat, lng), share of its synthetic rivers in the Yellow
# River basin (the rest drain to the Huai through the 贾鲁河 system), how many synthetic rivers, lakes and reservoirs
# it gets, then its townships (real names; the first gets code <county>001, and so on). The three development zones
# have their statistical codes; 郑东新区 has none, so its code is synthetic.
COUNTIES_TABLE = """
410102 中原区 district 34.748 113.612 0.0 4 0 3 林山寨街道 建设路街道 棉纺路街道 桐柏路街道 须水街道 西流湖街道
410103 二七区 district 34.690 113.635 0.0 5 0 8 淮河路街道 五里堡街道 长江路街道 马寨镇 侯寨乡
410104 管城回族区 district 34.730 113.700 0.0 4 0 0 东大街街道 二里岗街道 航海东路街道 十八里河街道 南曹街道
410105 金水区 district 34.800 113.680 0.0 4 1 0 人民路街道 经八路街道 丰庆路街道 杨金路街道 兴达路街道 花园路街道
410106 上街区 district 34.805 113.290 1.0 3 0 5 济源路街道 中心路街道 新安路街道 工业路街道 峡窝镇
410108 惠济区 district 34.870 113.620 0.5 6 1 2 花园口镇 古荥镇 老鸦陈街道 长兴路街道 新城街道 刘寨街道
410122 中牟县 county 34.720 113.980 0.2 10 1 4 城关镇 官渡镇 韩寺镇 狼城岗镇 万滩镇 雁鸣湖镇 姚家镇
410171 郑州经济技术开发区 zone 34.710 113.760 0.0 3 1 0 明湖街道 潮河街道 京航街道 九龙街道 前程街道
410172 郑州高新技术产业开发区 zone 34.815 113.550 0.0 3 1 4 石佛街道 沟赵街道 枫杨街道 梧桐街道 双桥街道
410173 郑州航空港经济综合实验区 zone 34.530 113.850 0.0 4 2 5 新港街道 滨河街道 八岗镇 张庄镇 龙王乡
410181 巩义市 city 34.750 113.030 1.0 9 0 22 孝义街道 河洛镇 站街镇 西村镇 回郭镇 芝田镇 米河镇
410182 荥阳市 city 34.790 113.380 0.6 9 0 18 索河街道 汜水镇 高村乡 广武镇 崔庙镇 贾峪镇 王村镇
410183 新密市 city 34.540 113.390 0.0 9 0 22 城关镇 超化镇 大隗镇 来集镇 白寨镇 牛店镇
410184 新郑市 city 34.450 113.740 0.0 8 1 14 新建路街道 龙湖镇 孟庄镇 辛店镇 梨河镇 观音寺镇 城关乡
410185 登封市 city 34.470 113.060 0.2 9 0 24 嵩阳街道 少林街道 中岳街道 告成镇 大金店镇 颍阳镇 君召乡
410190 郑东新区 zone 34.775 113.740 0.0 2 2 0 龙湖街道 如意湖街道 龙子湖街道 博学路街道 祭城路街道
"""

# The demo users live in 人民路街道 (金水河 and 熊耳河 stretches); demo_patroller2 in 丰庆路街道 (东风渠).
DEMO_COUNTY_CODE = "410105"
DEMO_TOWNSHIP_CODE = "410105001"
DEMO_OTHER_TOWNSHIP_CODE = "410105003"
DEMO_VILLAGE_CODE = "410105001001"

# Well-known rivers: name, basin, then county/township/km for each stretch in river order (they sum to the
# river's length within the city; lengths and placement approximate).
REAL_RIVERS_TABLE = """
贾鲁河 huai_river 惠济区/古荥镇/38.00 金水区/兴达路街道/24.00 中牟县/官渡镇/75.00
金水河 huai_river 二七区/侯寨乡/14.20 中原区/建设路街道/11.10 金水区/人民路街道/3.60
熊耳河 huai_river 二七区/五里堡街道/8.50 管城回族区/东大街街道/10.40 金水区/人民路街道/2.00
索须河 huai_river 荥阳市/广武镇/7.00 惠济区/古荥镇/12.40 惠济区/老鸦陈街道/8.00
七里河 huai_river 管城回族区/南曹街道/10.20 郑东新区/博学路街道/8.40 中牟县/韩寺镇/12.00
东风渠 huai_river 中原区/林山寨街道/9.29 金水区/丰庆路街道/4.01 郑东新区/龙湖街道/16.50
双洎河 huai_river 新密市/城关镇/35.00 新密市/超化镇/30.00 新郑市/城关乡/43.00
魏河 huai_river 惠济区/刘寨街道/11.60 金水区/杨金路街道/9.40
须水河 huai_river 中原区/须水街道/13.60 郑州高新技术产业开发区/沟赵街道/11.00
枯河 yellow_river 荥阳市/崔庙镇/20.00 上街区/峡窝镇/12.00 荥阳市/高村乡/27.00
汜水河 yellow_river 巩义市/米河镇/14.00 荥阳市/汜水镇/24.00
伊洛河 yellow_river 巩义市/芝田镇/12.80 巩义市/站街镇/13.00 巩义市/河洛镇/12.00
颍河 huai_river 登封市/颍阳镇/20.00 登封市/大金店镇/20.00 登封市/告成镇/24.00
潮河 huai_river 新郑市/龙湖镇/15.00 郑州经济技术开发区/潮河街道/16.00 郑东新区/龙子湖街道/12.00
十八里河 huai_river 新郑市/龙湖镇/10.00 管城回族区/十八里河街道/17.00
索河 huai_river 荥阳市/贾峪镇/12.00 荥阳市/索河街道/18.00
黄水河 huai_river 新郑市/孟庄镇/15.00 新郑市/梨河镇/20.00
梅河 huai_river 郑州航空港经济综合实验区/八岗镇/12.00 郑州航空港经济综合实验区/张庄镇/13.00
黄河 yellow_river 巩义市/河洛镇/55.00 荥阳市/广武镇/50.00 惠济区/花园口镇/55.00
"""

# Well-known lakes and reservoirs: name, "lake" or the reservoir's size class, then county/township/required
# patrollers for each segment ("-": not set yet, the office has to decide).
REAL_LAKES_AND_RESERVOIRS_TABLE = """
龙湖 lake 郑东新区/龙湖街道/6 郑东新区/如意湖街道/-
如意湖 lake 郑东新区/如意湖街道/3
龙子湖 lake 郑东新区/龙子湖街道/-
象湖 lake 郑东新区/博学路街道/2
雁鸣湖 lake 中牟县/雁鸣湖镇/4
西流湖 lake 中原区/西流湖街道/-
常庄水库 medium 中原区/须水街道/4
尖岗水库 medium 二七区/侯寨乡/-
丁店水库 medium 荥阳市/崔庙镇/3
河王水库 medium 荥阳市/贾峪镇/-
楚楼水库 medium 荥阳市/王村镇/2
李湾水库 medium 新密市/牛店镇/-
少林水库 medium 登封市/少林街道/3
坞罗水库 medium 巩义市/西村镇/-
唐岗水库 medium 新郑市/辛店镇/2
望京楼水库 medium 新郑市/孟庄镇/-
"""
SYNTHETIC_SMALL_1 = 40  # of the synthetic reservoirs; the others are small_2


@dataclass(frozen=True)
class CountyRow:
    code: str
    name: str
    kind: str
    centre: tuple[float, float]
    yellow_share: float
    rivers: int
    lakes: int
    reservoirs: int
    townships: list[str]


def _county_rows() -> list[CountyRow]:
    rows = []
    for line in COUNTIES_TABLE.strip().splitlines():
        code, name, kind, lat, lng, yellow, rivers, lakes, reservoirs, *townships = line.split()
        rows.append(CountyRow(code, name, kind, (float(lat), float(lng)), float(yellow), int(rivers), int(lakes),
                              int(reservoirs), townships))  # fmt: skip
    return rows


def _real_rows(table: str) -> list[tuple[str, str, list[list[str]]]]:
    """(name, kind/basin column, [[county, township, value], …]) per line of a table above."""
    rows = []
    for line in table.strip().splitlines():
        name, column, *stretches = line.split()
        rows.append((name, column, [stretch.split("/") for stretch in stretches]))
    return rows


COUNTIES = _county_rows()

SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
VILLAGE_SUFFIXES = ("庄", "寨", "楼", "岗", "营", "沟", "湾", "店", "河", "坡")
COMMUNITY_WORDS = ("建设", "幸福", "和平", "光明", "文化", "育才", "兴华", "绿城", "锦江", "金桥", "民主", "顺河",
                   "新华", "春晖", "康宁", "福寿", "东明", "南湖")  # fmt: skip

# name, role, display name, place ("township", "village", "county", "other_township" or None)
DEMO_USERS: list[tuple[str, str, str, str | None]] = [
    ("demo_patroller", Role.PATROLLER, "张建国(巡察员)", "township"),
    ("demo_patroller2", Role.PATROLLER, "李秀英(巡察员)", "other_township"),
    ("demo_village_chief", Role.VILLAGE_CHIEF, "王志强(村级河长)", "village"),
    ("demo_township", Role.TOWNSHIP_OFFICE, "刘芳(人民路街道河长办)", "township"),
    ("demo_county", Role.COUNTY_OFFICE, "陈伟(金水区河长办)", "county"),
    ("demo_city", Role.CITY_OFFICE, "赵敏(郑州市河长办)", None),
    ("demo_supervisor", Role.SUPERVISOR, "孙丽(义务监督员)", "township"),
]

LAT_RANGE, LNG_RANGE = (34.40, 34.95), (112.90, 114.20)
KM_PER_DEGREE = 111.0


@dataclass
class SeedResult:
    created: int = 0
    updated: int = 0

    def __add__(self, other: "SeedResult") -> "SeedResult":
        return SeedResult(self.created + other.created, self.updated + other.updated)


def _rng(*key: object) -> random.Random:
    """A generator of its own per row, so one row's data does not depend on how many rows came before it."""
    return random.Random(":".join([SEED, *map(str, key)]))  # str seeds are hashed stably (not PYTHONHASHSEED)


def _upsert(model: type[models.Model], desired: list[models.Model], fields: list[str]) -> SeedResult:
    """Create the rows whose code is new, update those whose `fields` differ, leave the rest untouched."""
    existing = model.objects.in_bulk([row.code for row in desired], field_name="code")
    attnames = [model._meta.get_field(name).attname for name in fields]
    foreign_keys = [f.name for f in model._meta.concrete_fields if f.is_relation]
    to_create, to_update = [], []
    for row in desired:
        current = existing.get(row.code)
        if current is not None and all(getattr(current, a) == getattr(row, a) for a in attnames):
            continue
        # Foreign keys point at rows this seed just wrote; skipping their existence check saves a query per row.
        row.clean_fields(exclude=foreign_keys)
        row.clean()
        if current is None:
            to_create.append(row)
        else:
            row.pk = current.pk
            to_update.append(row)
    model.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        model.objects.bulk_update(to_update, fields, batch_size=500)
    return SeedResult(len(to_create), len(to_update))


# ── places ────────────────────────────────────────────────────────────────────────────────────────────────────


def _township_anchor(county_centre: tuple[float, float], township_code: str) -> tuple[float, float]:
    rng = _rng("anchor", township_code)
    return county_centre[0] + rng.uniform(-0.045, 0.045), county_centre[1] + rng.uniform(-0.05, 0.05)


def _village_names(township: Township) -> list[str]:
    rng = _rng("villages", township.code)
    count = 6 if township.code == DEMO_TOWNSHIP_CODE else rng.randint(4, 6)
    if township.name.endswith("街道"):
        return [f"{word}社区" for word in rng.sample(COMMUNITY_WORDS, count)]
    names = [f"{surname}{suffix}" for surname in SURNAMES for suffix in VILLAGE_SUFFIXES]
    return [f"{name}村" for name in rng.sample(names, count)]


def seed_places() -> SeedResult:
    counties = [County(code=row.code, name=row.name, kind=row.kind) for row in COUNTIES]
    result = _upsert(County, counties, ["name", "kind"])
    county_ids = dict(County.objects.filter(code__in=[c.code for c in counties]).values_list("code", "pk"))
    townships = [
        Township(county_id=county_ids[row.code], code=f"{row.code}{i:03d}", name=name)
        for row in COUNTIES
        for i, name in enumerate(row.townships, start=1)
    ]
    result += _upsert(Township, townships, ["county", "name"])
    township_ids = dict(Township.objects.filter(code__in=[t.code for t in townships]).values_list("code", "pk"))
    villages = [
        Village(township_id=township_ids[township.code], code=f"{township.code}{i:03d}", name=name)
        for township in townships
        for i, name in enumerate(_village_names(township), start=1)
    ]
    return result + _upsert(Village, villages, ["township", "name"])


# ── water bodies and segments ─────────────────────────────────────────────────────────────────────────────────


@dataclass
class _Place:
    township: Township
    anchor: tuple[float, float]
    villages: list[Village]


def _load_places() -> dict[tuple[str, str], _Place]:
    centres = {row.name: row.centre for row in COUNTIES}
    codes = [row.code for row in COUNTIES]
    villages: dict[int, list[Village]] = {}
    for village in Village.objects.filter(township__county__code__in=codes).order_by("code"):
        villages.setdefault(village.township_id, []).append(village)
    places = {}
    for township in Township.objects.filter(county__code__in=codes).select_related("county"):
        anchor = _township_anchor(centres[township.county.name], township.code)
        places[(township.county.name, township.name)] = _Place(township, anchor, villages.get(township.pk, []))
    return places


def _inside(lat: float, lng: float) -> bool:
    return LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LNG_RANGE[0] <= lng <= LNG_RANGE[1]


def _line(rng: random.Random, start: tuple[float, float], heading: float, length_km: Decimal) -> dict:
    """A meandering LineString about `length_km` long, one vertex per km (at most 30), kept inside the city."""
    steps = max(2, min(30, math.ceil(length_km)))
    step_km = float(length_km) / steps
    lat, lng = start
    points = [[round(lng, 6), round(lat, 6)]]
    for _ in range(steps):
        heading += rng.uniform(-0.4, 0.4)
        for _turn in range(8):  # turn back at the city limits
            dlat = step_km * math.cos(heading) / KM_PER_DEGREE
            dlng = step_km * math.sin(heading) / (KM_PER_DEGREE * math.cos(math.radians(lat)))
            if _inside(lat + dlat, lng + dlng):
                break
            heading += math.pi / 4
        lat, lng = lat + dlat, lng + dlng
        points.append([round(lng, 6), round(lat, 6)])
    return {"type": "LineString", "coordinates": points}


def _polygon(rng: random.Random, centre: tuple[float, float], radius: float) -> dict:
    ring = []
    for i in range(10):
        angle = 2 * math.pi * i / 10
        r = radius * rng.uniform(0.75, 1.2)
        ring.append([round(centre[1] + r * 1.2 * math.cos(angle), 6), round(centre[0] + r * math.sin(angle), 6)])
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def _near(rng: random.Random, anchor: tuple[float, float], spread: float = 0.02) -> tuple[float, float]:
    return anchor[0] + rng.uniform(-spread, spread), anchor[1] + rng.uniform(-spread, spread)


def _split(rng: random.Random, length_km: Decimal, parts: int) -> list[Decimal]:
    """Cut a length into `parts` stretches of at least 0.5 km, in exact hundredths that sum to the whole."""
    cents = int(length_km * 100)
    weights = [rng.uniform(1, 3) for _ in range(parts)]
    pieces = [max(50, round(cents * w / sum(weights))) for w in weights[:-1]]
    pieces.append(cents - sum(pieces))
    assert all(p >= 50 for p in pieces), (length_km, pieces)
    return [Decimal(p) / 100 for p in pieces]


@dataclass
class _Stretch:
    place: _Place
    length_km: Decimal | None = None
    required: int | None = None


def _water_body_plan(places: dict[tuple[str, str], _Place]) -> list[tuple[WaterBody, list[_Stretch]]]:
    """Every water body with the townships it lies in, in code order: real names first, then synthetic ones."""
    plan: list[tuple[WaterBody, list[_Stretch]]] = []
    by_county: dict[str, list[_Place]] = {}
    for (county, _township), place in sorted(places.items(), key=lambda item: item[1].township.code):
        by_county.setdefault(county, []).append(place)

    for name, basin, stretches in _real_rows(REAL_RIVERS_TABLE):
        length = sum((Decimal(km) for *_, km in stretches), Decimal(0))
        body = WaterBody(name=name, kind=Kind.RIVER, basin=basin, length_km=length)
        plan.append((body, [_Stretch(places[(c, t)], Decimal(km)) for c, t, km in stretches]))
    for row in COUNTIES:
        for _ in range(row.rivers):
            rng = _rng("river", len(plan))
            length = Decimal(rng.randint(400, 3500)) / 100
            basin = Basin.YELLOW_RIVER if rng.random() < row.yellow_share else Basin.HUAI_RIVER
            county_places = by_county[row.name]
            townships = rng.sample(county_places, min(rng.choice([1, 1, 2, 2, 3]), len(county_places)))
            lengths = _split(rng, length, len(townships))
            body = WaterBody(name="", kind=Kind.RIVER, basin=basin, length_km=length)
            plan.append((body, [_Stretch(p, km) for p, km in zip(townships, lengths, strict=True)]))

    # (name or "" for a synthetic one, size class or "" for a lake, segments)
    others: list[tuple[str, str, list[_Stretch]]] = []
    for name, kind, stretches in _real_rows(REAL_LAKES_AND_RESERVOIRS_TABLE):
        segments = [_Stretch(places[(c, t)], None, None if r == "-" else int(r)) for c, t, r in stretches]
        others.append((name, "" if kind == Kind.LAKE else kind, segments))
    for row in COUNTIES:
        for i in range(row.lakes):
            rng = _rng("lake", row.code, i)
            others.append(("", "", [_Stretch(rng.choice(by_county[row.name]), None, _required(rng))]))
    synthetic_reservoirs = sum(row.reservoirs for row in COUNTIES)
    sizes = [Size.SMALL_1] * SYNTHETIC_SMALL_1 + [Size.SMALL_2] * (synthetic_reservoirs - SYNTHETIC_SMALL_1)
    _rng("reservoir sizes").shuffle(sizes)
    for row in COUNTIES:
        for i in range(row.reservoirs):
            others.append(("", sizes.pop(), [_Stretch(_rng("reservoir", row.code, i).choice(by_county[row.name]))]))
    for name, size, stretches in others:
        plan.append((WaterBody(name=name, kind=Kind.RESERVOIR if size else Kind.LAKE, size_class=size), stretches))

    numbers = dict.fromkeys(Kind, 0)
    prefixes = {Kind.RIVER: ("R", "示范河流"), Kind.LAKE: ("L", "示范湖泊"), Kind.RESERVOIR: ("K", "示范水库")}
    for body, _stretches in plan:
        numbers[body.kind] += 1
        prefix, synthetic_name = prefixes[body.kind]
        body.code = f"{prefix}{numbers[body.kind]:03d}"
        body.name = body.name or f"{synthetic_name}{numbers[body.kind]:03d}"
        body.is_demo = True
    return plan


def _required(rng: random.Random) -> int | None:
    """About half of the lakes and medium/large reservoirs are left for the office to decide (undetermined)."""
    return rng.choice([2, 3, 4]) if rng.random() < 0.5 else None


def _segments(body: WaterBody, stretches: list[_Stretch]) -> list[tuple[Segment, list[Village]]]:
    rng = _rng("segments", body.code)
    heading = rng.uniform(0, 2 * math.pi)
    rows = []
    for i, stretch in enumerate(stretches, start=1):
        township, villages = stretch.place.township, stretch.place.villages
        passed = sorted(rng.sample(villages, rng.randint(1, min(4 if body.kind == Kind.RIVER else 2, len(villages)))),
                        key=lambda v: v.code)  # fmt: skip
        if township.code == DEMO_TOWNSHIP_CODE and villages[0] not in passed:
            passed.insert(0, villages[0])  # the demo village chief's village lies on every demo segment
        segment = Segment(
            code=f"{body.code}-{i:02d}",
            name=f"{body.name}{township.name}段" if len(stretches) > 1 or body.kind == Kind.RIVER else body.name,
            water_body=body,
            township=township,
            length_km=stretch.length_km,
            required_patrollers=stretch.required,
            river_chiefs=f"乡级河长：{township.name}主要负责人；村级河长：途经村(社区)党支部书记",
            is_demo=True,
        )
        start = _near(rng, stretch.place.anchor)
        if body.kind == Kind.RIVER:
            village_basis = township.code != DEMO_TOWNSHIP_CODE and rng.random() < 0.15
            segment.basis = Segment.Basis.VILLAGE if village_basis else Segment.Basis.LENGTH
            segment.geometry = _line(rng, start, heading, stretch.length_km)
        elif body.kind == Kind.LAKE or body.size_class in (Size.LARGE, Size.MEDIUM):
            segment.geometry = _polygon(rng, start, rng.uniform(0.005, 0.012))
        else:
            segment.geometry = {"type": "Point", "coordinates": [round(start[1], 6), round(start[0], 6)]}
        rows.append((segment, passed))
    return rows


def seed_water_bodies() -> SeedResult:
    """The 111 rivers, 16 lakes and 141 reservoirs with their segments and villages (needs `seed_places()`)."""
    plan = _water_body_plan(_load_places())
    bodies = [body for body, _stretches in plan]
    result = _upsert(WaterBody, bodies, ["name", "kind", "size_class", "basin", "length_km", "is_demo"])
    saved = WaterBody.objects.in_bulk([b.code for b in bodies], field_name="code")
    segments: list[tuple[Segment, list[Village]]] = []
    for body, stretches in plan:
        body.pk = saved[body.code].pk
        segments.extend(_segments(body, stretches))
    fields = ["name", "water_body", "township", "length_km", "basis", "required_patrollers", "geometry",
              "river_chiefs", "is_demo"]  # fmt: skip
    result += _upsert(Segment, [segment for segment, _villages in segments], fields)
    return result + _link_villages(segments)


def _link_villages(segments: list[tuple[Segment, list[Village]]]) -> SeedResult:
    through = Segment.villages.through
    ids = dict(Segment.objects.filter(code__in=[s.code for s, _v in segments]).values_list("code", "pk"))
    wanted = {(ids[s.code], v.pk) for s, villages in segments for v in villages}
    have = set(through.objects.filter(segment_id__in=ids.values()).values_list("segment_id", "village_id"))
    extra = have - wanted
    for segment_id, village_id in extra:
        through.objects.filter(segment_id=segment_id, village_id=village_id).delete()
    missing = sorted(wanted - have)
    through.objects.bulk_create([through(segment_id=s, village_id=v) for s, v in missing], batch_size=500)
    return SeedResult(len(missing), len(extra))


def seed_register() -> SeedResult:
    return seed_places() + seed_water_bodies()


# ── users ─────────────────────────────────────────────────────────────────────────────────────────────────────


def seed_users(password: str, *, reset_passwords: bool = True) -> SeedResult:
    """The demo accounts of API.md. Existing accounts keep their password unless `reset_passwords`."""
    township = Township.objects.select_related("county").get(code=DEMO_TOWNSHIP_CODE)
    other = Township.objects.select_related("county").get(code=DEMO_OTHER_TOWNSHIP_CODE)
    village = Village.objects.get(code=DEMO_VILLAGE_CODE)
    places = {
        None: {},
        "county": {"county": township.county},
        "township": {"county": township.county, "township": township},
        "other_township": {"county": other.county, "township": other},
        "village": {"county": township.county, "township": township, "village": village},
    }
    existing = User.objects.in_bulk([u[0] for u in DEMO_USERS], field_name="username")
    encoded: str | None = None  # hashed once and shared: hashing is deliberately slow
    checked: dict[str, bool] = {}
    result = SeedResult()
    for username, role, display_name, place in DEMO_USERS:
        user = existing.get(username) or User(username=username)
        wanted = {
            "role": role,
            "display_name": display_name,
            "county": None,
            "township": None,
            "village": None,
            **places[place],
            "is_active": True,
            "is_staff": role in (Role.TOWNSHIP_OFFICE, Role.COUNTY_OFFICE, Role.CITY_OFFICE),
            "is_superuser": role == Role.CITY_OFFICE,
        }
        changed = user.pk is None or any(
            getattr(user, f"{k}_id" if k in ("county", "township", "village") else k) != _pk_or_value(v)
            for k, v in wanted.items()
        )
        if user.pk is None or reset_passwords:
            if user.password not in checked:
                checked[user.password] = bool(user.password) and check_password(password, user.password)
            if not checked[user.password]:
                encoded = encoded or make_password(password)
                user.password = encoded
                changed = True
        if not changed:
            continue
        for key, value in wanted.items():
            setattr(user, key, value)
        created = user.pk is None
        user.full_clean()
        user.save()
        result += SeedResult(1, 0) if created else SeedResult(0, 1)
    # The demo offices open the admin through their level's group (乡级/县级/市河长办).
    office_groups_sync(users=User.objects.filter(username__in=[u[0] for u in DEMO_USERS]))
    return result


def _pk_or_value(value: object) -> object:
    return value.pk if isinstance(value, models.Model) else value
