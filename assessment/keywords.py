"""The management center's keyword queue (管理中心将原因转换成关键词).

The field manager writes a concrete reason for every missed goal; the management
center turns it into keywords.  :func:`keyword_queue` lists the reasons not keyed yet,
each with suggested keywords from the taxonomy: TF-IDF over character n-grams
(scikit-learn) and the nearest reasons already keyed, their keywords weighted by
similarity.  :func:`top1_agreement` measures, leaving each keyed reason out, how often
the top suggestion is one of the keywords the center chose.
"""

from __future__ import annotations

__all__ = ["keyword_queue", "suggest", "top1_agreement"]

from collections.abc import Iterable

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.neighbors import NearestNeighbors

from assessment.marketing_data import split_keywords


def _keyed(records: pd.DataFrame) -> pd.DataFrame:
    reason = records["reason"].fillna("").astype(str).str.strip()
    kws = split_keywords(records["reason_keywords"])
    out = pd.DataFrame({"reason": reason, "keywords": kws})
    return out.loc[(out["reason"] != "") & (out["keywords"].str.len() > 0)]


def suggest(
    queries: Iterable[str], keyed: pd.DataFrame, taxonomy: Iterable[str], *, k: int = 5,
    top: int = 3, skip_self: bool = False,
) -> list[list[str]]:  # fmt: skip
    """Up to ``top`` taxonomy keywords per query, best first (``keyed``: ``reason,
    keywords``); ``skip_self`` drops each query's own row (leave-one-out)."""
    texts = list(queries)
    allowed = set(taxonomy)
    if keyed.empty or not texts:
        return [[] for _ in texts]
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3))
    base = vec.fit_transform(keyed["reason"])
    n = min(len(keyed), k + int(skip_self))
    nn = NearestNeighbors(n_neighbors=n, metric="cosine").fit(base)
    dist, idx = nn.kneighbors(vec.transform(texts))
    labels = keyed["keywords"].to_numpy(object)
    out = []
    for row, (d, i) in enumerate(zip(dist, idx, strict=True)):
        keep = i != row if skip_self else np.ones(len(i), dtype=bool)
        votes = pd.Series(dtype=float)
        for sim, j in zip(1 - d[keep], i[keep], strict=True):
            words = [w for w in labels[j] if w in allowed]
            votes = votes.add(pd.Series(sim, index=words), fill_value=0.0)
        out.append(list(votes.sort_values(ascending=False, kind="stable").index[:top]))
    return out


def keyword_queue(records: pd.DataFrame, taxonomy: pd.DataFrame) -> pd.DataFrame:
    """Missed goals with a concrete reason and no keyword (``keywords_missing`` of
    :func:`assessment.marketing.check_reasons`), with ``suggested`` keywords."""
    cols = ["manager_id", "buyer_id", "slot_start", "purpose", "reason"]
    queue = records.loc[records["keywords_missing"], cols].reset_index(drop=True)
    queue["suggested"] = suggest(queue["reason"], _keyed(records), taxonomy["keyword"])
    return queue


def top1_agreement(records: pd.DataFrame, taxonomy: pd.DataFrame) -> tuple[float, int]:
    """Leave-one-out over the distinct keyed reasons: share whose top suggestion is one
    of the keywords chosen, and how many were tried."""
    # one row per distinct text: a reason never suggests to its own copies
    keyed = _keyed(records).drop_duplicates("reason").reset_index(drop=True)
    if keyed.empty:
        return 0.0, 0
    got = suggest(keyed["reason"], keyed, taxonomy["keyword"], skip_self=True, top=1)
    hits = [bool(g) and g[0] in set(w) for g, w in zip(got, keyed["keywords"], strict=True)]
    return float(np.mean(hits)), len(hits)
