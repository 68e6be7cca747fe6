"""What each assessment table holds: field specifications, allowed values and their aliases.

Seven kinds of rows come from the platform's exports, imported in this order
(each may refer to the ones before it):

==============  ==========================================================
kind            one row is
==============  ==========================================================
areas           a wholesale market or a district
clusters        a cluster point (聚集点) of buyers, inside one area
people          a person: role, reports_to, team, market or district
brands          a brand, flagged lead / legacy agency / regular
buyers          a buyer: type, area, cluster point, location, manager
orders          one SKU line of an order (SKU = product + brand + net weight)
declarations    what an account manager declared a buyer would order
==============  ==========================================================

Identifiers are kept as text (``007`` stays ``007``).  Enumerations accept the
English code and the Chinese words of the platform (``驻场经理`` is
``field_manager``).
"""

from __future__ import annotations

__all__ = [
    "ACCOUNT_MANAGER_ROLES",
    "AREA_KINDS",
    "BRAND_KINDS",
    "BUYER_TYPES",
    "CANCELLED_STATUSES",
    "CRS_FIELD",
    "KINDS",
    "LOCATED",
    "ORDER_STATUSES",
    "ROLES",
    "SCHEMAS",
    "FieldSpec",
    "TableSchema",
]

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

#: Roles of people; "account managers" are the first four (seed: not district or regional GMs).
ROLES: tuple[str, ...] = (
    "field_manager",
    "area_manager",
    "regional_manager",
    "city_director",
    "district_gm",
    "regional_gm",
    "self_help_member",  # 自助联盟人: a helper named in help plans (帮扶人)
)
ACCOUNT_MANAGER_ROLES: tuple[str, ...] = ROLES[:4]
BUYER_TYPES: tuple[str, ...] = (
    "distributor",
    "wet_market",
    "group_catering",
    "processing_plant",
    "chain_restaurant",
    "restaurant",
    "braised_meat",
)
AREA_KINDS: tuple[str, ...] = ("market", "district")
#: lead: strategic/stable platform partner; legacy_agency: a regional agent's brand the
#: platform has not admitted (so not platform-listed); regular: any other listed brand.
BRAND_KINDS: tuple[str, ...] = ("lead", "regular", "legacy_agency")
ORDER_STATUSES: tuple[str, ...] = ("delivered", "cancelled_by_platform", "cancelled_by_buyer")
CANCELLED_STATUSES: tuple[str, ...] = ORDER_STATUSES[1:]
#: The optional per-row coordinate system of a location (default: the import's).
CRS_FIELD = "crs"
#: Kinds whose rows carry a location (converted to WGS-84; the source CRS is kept).
LOCATED: tuple[str, ...] = ("clusters", "buyers")

Kind = Literal["id", "text", "enum", "int", "amount", "bool", "instant", "date", "weight", "coord"]


@dataclass(frozen=True)
class FieldSpec:
    """One column: its name, how it is parsed and what it may hold.

    ``kind``: ``id`` (text, no control characters, <= 64 chars), ``text``
    (<= 200 chars), ``enum`` (one of ``choices``, or an alias), ``int`` (whole
    number in ``[lo, hi]``), ``amount`` (yuan, >= 0, two decimals), ``bool``,
    ``instant`` (a time: ISO 8601 with offset, naive local, epoch, or a date
    meaning its local midnight), ``date`` (a calendar day), ``weight`` (a net
    weight such as ``10kg``, ``500g``, ``20斤``; stored in grams), ``coord``
    (latitude or longitude, by name).
    """

    name: str
    kind: Kind
    required: bool = True
    choices: tuple[str, ...] = ()
    aliases: Mapping[str, str] = field(default_factory=dict)
    lo: int = 0
    hi: int = 1_000_000
    default: str | None = None


@dataclass(frozen=True)
class TableSchema:
    """The fields of one kind of row and the columns that identify a row."""

    kind: str
    fields: tuple[FieldSpec, ...]
    key: tuple[str, ...]
    header_aliases: Mapping[str, str] = field(default_factory=dict)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)

    @property
    def columns(self) -> tuple[str, ...]:
        """Columns of the validated frame (weights in grams: ``net_weight_g``)."""
        out = [f.name + "_g" if f.kind == "weight" else f.name for f in self.fields]
        if self.kind in LOCATED:
            out.append(CRS_FIELD)
        return (*out, "source_row")


_ROLE_ALIASES = {
    "驻场经理": "field_manager",
    "field manager": "field_manager",
    "区域经理": "area_manager",
    "片区经理": "area_manager",
    "area manager": "area_manager",
    "大区经理": "regional_manager",
    "regional manager": "regional_manager",
    "城市总监": "city_director",
    "city director": "city_director",
    "行政区总经理": "district_gm",
    "物流行政区总经理": "district_gm",
    "district gm": "district_gm",
    "自助联盟人": "self_help_member",
    "self-help alliance member": "self_help_member",
    "大区总经理": "regional_gm",
    "regional gm": "regional_gm",
}
_TYPE_ALIASES = {
    "经销商": "distributor",
    "批发商": "distributor",
    "分销": "distributor",
    "分销买家": "distributor",
    "菜场": "wet_market",
    "菜场买家": "wet_market",
    "菜市场": "wet_market",
    "农贸市场": "wet_market",
    "wet market": "wet_market",
    "团餐": "group_catering",
    "团膳": "group_catering",
    "group catering": "group_catering",
    "加工厂": "processing_plant",
    "processing plant": "processing_plant",
    "连锁餐饮": "chain_restaurant",
    "chain restaurant": "chain_restaurant",
    "餐厅": "restaurant",
    "大中型餐厅": "restaurant",
    "大中餐饮": "restaurant",
    "烧卤": "braised_meat",
    "酒楼": "restaurant",
    "卤味": "braised_meat",
    "卤菜": "braised_meat",
    "熟食": "braised_meat",
    "烧腊": "braised_meat",
    "braised meat": "braised_meat",
}
_AREA_ALIASES = {"批发市场": "market", "市场": "market", "区县": "district", "区": "district"}
_BRAND_ALIASES = {
    "主力品牌": "lead",
    "主打品牌": "lead",
    "老一批代理品牌": "legacy_agency",
    "lead brand": "lead",
    "普通品牌": "regular",
    "老代理品牌": "legacy_agency",
    "代理品牌": "legacy_agency",
    "legacy agency": "legacy_agency",
}
_STATUS_ALIASES = {
    "已送达": "delivered",
    "已完成": "delivered",
    "平台取消": "cancelled_by_platform",
    "买家取消": "cancelled_by_buyer",
}

_ID = 64
SCHEMAS: dict[str, TableSchema] = {
    "areas": TableSchema(
        "areas",
        (
            FieldSpec("area_id", "id"),
            FieldSpec("name", "text", required=False),
            FieldSpec("kind", "enum", choices=AREA_KINDS, aliases=_AREA_ALIASES),
            FieldSpec("district_id", "id", required=False),
        ),
        key=("area_id",),
    ),
    "clusters": TableSchema(
        "clusters",
        (
            FieldSpec("cluster_id", "id"),
            FieldSpec("name", "text", required=False),
            FieldSpec("area_id", "id"),
            FieldSpec("lat", "coord", required=False),
            FieldSpec("lon", "coord", required=False),
        ),
        key=("cluster_id",),
    ),
    "people": TableSchema(
        "people",
        (
            FieldSpec("person_id", "id"),
            FieldSpec("name", "text", required=False),
            FieldSpec("role", "enum", choices=ROLES, aliases=_ROLE_ALIASES),
            FieldSpec("reports_to", "id", required=False),
            FieldSpec("team_id", "id", required=False),
            FieldSpec("area_id", "id", required=False),
        ),
        key=("person_id",),
        header_aliases={"team": "team_id", "market_or_district": "area_id", "id": "person_id"},
    ),
    "brands": TableSchema(
        "brands",
        (
            FieldSpec("brand", "text"),
            FieldSpec(
                "kind",
                "enum",
                required=False,
                choices=BRAND_KINDS,
                aliases=_BRAND_ALIASES,
                default="regular",
            ),
        ),
        key=("brand",),
    ),
    "buyers": TableSchema(
        "buyers",
        (
            FieldSpec("buyer_id", "id"),
            FieldSpec("name", "text", required=False),
            FieldSpec("type", "enum", choices=BUYER_TYPES, aliases=_TYPE_ALIASES),
            FieldSpec("area_id", "id"),
            FieldSpec("cluster_id", "id", required=False),
            FieldSpec("lat", "coord"),
            FieldSpec("lon", "coord"),
            FieldSpec("registered_at", "instant", required=False),
            FieldSpec("manager_id", "id", required=False),
            FieldSpec("assigned_at", "instant", required=False),
            FieldSpec("activated_at", "instant", required=False),
            FieldSpec("activated_by", "id", required=False),
            FieldSpec("chat_admitted", "bool", required=False),
            # the buyer's usual single order of platform-listed products, surveyed in the
            # market (目标客户 before any platform order); boxes
            FieldSpec("usual_boxes", "int", required=False, hi=100_000),
            # the brand this buyer is the manufacturer's regional agent for (老一批代理品牌)
            FieldSpec("agent_for", "text", required=False),
        ),
        key=("buyer_id",),
        header_aliases={"id": "buyer_id", "market_or_district": "area_id"},
    ),
    "orders": TableSchema(
        "orders",
        (
            FieldSpec("order_id", "id"),
            FieldSpec("buyer_id", "id"),
            FieldSpec("placed_at", "instant"),
            FieldSpec("product", "text"),
            FieldSpec("brand", "text"),
            FieldSpec("net_weight", "weight"),
            FieldSpec("boxes", "int", lo=1, hi=1_000_000),
            FieldSpec("amount", "amount"),
            FieldSpec("status", "enum", choices=ORDER_STATUSES, aliases=_STATUS_ALIASES),
        ),
        key=("order_id", "product", "brand", "net_weight_g"),
        header_aliases={"id": "order_id"},
    ),
    "declarations": TableSchema(
        "declarations",
        (
            FieldSpec("manager_id", "id"),
            FieldSpec("declared_on", "date"),
            FieldSpec("buyer_id", "id"),
            FieldSpec("product", "text", required=False),
            FieldSpec("brand", "text", required=False),
            FieldSpec("net_weight", "weight", required=False),
            FieldSpec("boxes", "int", lo=1, hi=1_000_000),
            FieldSpec("period_end", "date", required=False),
        ),
        key=("manager_id", "declared_on", "buyer_id", "product", "brand", "net_weight_g"),
        header_aliases={"date": "declared_on"},
    ),
}
#: Import order: a kind may refer only to kinds before it.
KINDS: tuple[str, ...] = tuple(SCHEMAS)
ID_MAX_CHARS = _ID
TEXT_MAX_CHARS = 200
