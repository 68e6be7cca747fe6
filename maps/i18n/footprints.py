"""Words about store and market footprints (issue 17: ``stores[].footprint``, a hall or a
building drawn as a polygon on the day map), part of the ``day`` area."""

from __future__ import annotations

__all__ = ["DAY_EN", "DAY_ZH"]

DAY_EN: dict[str, str] = {
    "layer_footprints": "Store and market footprints",
    "footprint": "Footprint (a stay inside is 0 m from the store)",
}

DAY_ZH: dict[str, str] = {
    "layer_footprints": "门店与市场轮廓",
    "footprint": "轮廓（轮廓内的停留距门店 0 米）",
}
