"""The name of an unexplained stay: the nearest place the company knows (a store or a
buyer of its master data), as a result records it.

Kept apart from :mod:`trajectory.known_places` (the index) so that the result records
(:mod:`trajectory.result_parts`) hold it without importing the index and its
dependencies.
"""

from __future__ import annotations

__all__ = ["NearestKnown"]

import math
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class NearestKnown:
    """The known place nearest a stay at no task store, within ``known_radius_m``.

    ``kind`` says which master data it came from (``store``, ``buyer``); ``distance_m``
    is the great-circle distance from the stay's centre (m).
    """

    id: str
    name: str
    kind: str
    distance_m: float

    def to_dict(self) -> dict[str, Any]:
        """The contract JSON of ``stay_points[].nearest_known`` (distance to 0.1 m)."""
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "distance_m": round(self.distance_m, 1) if math.isfinite(self.distance_m) else None,
        }
