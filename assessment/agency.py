"""Legacy agency brands (老一批代理品牌): the platform does not supply a manufacturer's
regional agent with the brand it is agent for.

The rule is about who is supplied what: a buyer recorded as agent for brand X
(``buyers.agent_for``) must not be sold X.  Such order lines (and declarations) are
flagged; they do not make the agent a target customer, and the buyer's other orders
count as usual.  Other buyers' orders of X count like any platform-listed brand.
Vectorised (a map and a comparison).
"""

from __future__ import annotations

__all__ = ["agency_conflicts", "own_agency_lines"]

import pandas as pd


def own_agency_lines(lines: pd.DataFrame, buyers: pd.DataFrame | None) -> pd.Series:
    """Per line of ``lines`` (``buyer_id, brand``): whether it supplies the buyer the
    brand it is agent for (False where no agency is recorded)."""
    if buyers is None or "agent_for" not in buyers or lines.empty:
        return pd.Series(False, index=lines.index)
    agents = buyers.loc[buyers["agent_for"].notna(), ["buyer_id", "agent_for"]]
    agent = pd.Series(
        agents["agent_for"].to_numpy(object), index=agents["buyer_id"].to_numpy(object)
    )
    brand = lines["brand"].astype(object)
    mine = lines["buyer_id"].map(agent)
    out: pd.Series = mine.notna() & (mine == brand)
    return out


def agency_conflicts(
    orders: pd.DataFrame, declarations: pd.DataFrame, buyers: pd.DataFrame
) -> pd.DataFrame:
    """Every order line and declaration that supplies an agent its own brand: ``source``
    (``order``/``declaration``), ``buyer_id``, ``brand``, ``ref`` (order id or manager and
    day), ``boxes``."""
    lines = orders.loc[own_agency_lines(orders, buyers)]
    decl = declarations.loc[own_agency_lines(declarations, buyers)]
    a = pd.DataFrame(
        {
            "source": "order",
            "buyer_id": lines["buyer_id"].to_numpy(object),
            "brand": lines["brand"].to_numpy(object),
            "ref": lines["order_id"].astype(str).to_numpy(object),
            "boxes": lines["boxes"].to_numpy(),
        }
    )
    b = pd.DataFrame(
        {
            "source": "declaration",
            "buyer_id": decl["buyer_id"].to_numpy(object),
            "brand": decl["brand"].to_numpy(object),
            "ref": (
                decl["manager_id"].astype(str) + " " + decl["declared_on"].dt.strftime("%Y-%m-%d")
            ).to_numpy(object),
            "boxes": decl["boxes"].to_numpy(),
        }
    )
    return pd.concat([a, b], ignore_index=True)
