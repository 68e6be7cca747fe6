"""What a stay observed and what it bridged.

The stay scan bridges signal gaps (indoors, a phone asleep) when the next fix is
back at the place, so a stay can span hours without a fix and can begin or end
with a lone fix on the far side of a gap: a fix while walking in, then nothing
until the manager is seen settled; or the manager seen settled, then nothing
until a fix at the kerb as the next trip starts.  The *observed dwell* of a stay
runs from the first to the last stretch of fixes lasting at least
:data:`OBSERVED_RUN_S` without a gap over :data:`BRIDGE_GAP_S`; the lone fixes
beyond it are kept as the stay's first/last fix at the place, and the gaps
inside it are counted as bridged time.  On the diary-labelled real trace this
places stop 7's arrival and stop 10's departure on the diary's times instead of
250 s early and 500 s late.

Examples
--------
>>> import numpy as np
>>> t = np.array([0.0, 10.0, 260.0, 270.0, 280.0, 290.0, 300.0, 800.0])
>>> observed_span(t, 0, 7)
(2, 6, 0.0)
"""

from __future__ import annotations

__all__ = ["BRIDGE_GAP_S", "OBSERVED_RUN_S", "observed_span", "observed_spans"]

import numpy as np
import numpy.typing as npt

#: A gap (s) between two fixes of a stay longer than this is bridged, not observed
#: (the arrival-uncertainty threshold of the checks).
BRIDGE_GAP_S = 120.0
#: A stretch of fixes without a bridged gap is a dwell when it lasts this long (s).
OBSERVED_RUN_S = 30.0


def observed_span(t: npt.NDArray[np.float64], first: int, last: int) -> tuple[int, int, float]:
    """The observed dwell within fixes ``first``..``last`` (inclusive) of times ``t`` (s).

    Returns
    -------
    tuple of (int, int, float)
        The indexes of the first and last fix of the observed dwell (``first`` and
        ``last`` themselves when no stretch lasts :data:`OBSERVED_RUN_S`), and the
        seconds of bridged gaps between them.
    """
    seg = t[first : last + 1]
    gaps = np.diff(seg)
    breaks = np.flatnonzero(gaps > BRIDGE_GAP_S)
    run_start = np.r_[0, breaks + 1]
    run_end = np.r_[breaks, seg.size - 1]
    dwell = np.flatnonzero(seg[run_end] - seg[run_start] >= OBSERVED_RUN_S)
    a, b = (int(run_start[dwell[0]]), int(run_end[dwell[-1]])) if dwell.size else (0, seg.size - 1)
    inner = gaps[a:b]
    return first + a, first + b, float(inner[inner > BRIDGE_GAP_S].sum())


def observed_spans(
    t: npt.NDArray[np.float64], first: npt.NDArray[np.int64], last: npt.NDArray[np.int64]
) -> list[tuple[int, int, float]]:
    """:func:`observed_span` of each stay (fixes ``first[i]``..``last[i]``), the same
    values: the bridged gaps are found once for the whole track, then each stay looks
    only at the few inside it (a stay without one is observed from end to end)."""
    gaps = np.diff(t)
    big = np.flatnonzero(gaps > BRIDGE_GAP_S)  # gap k: between fixes k and k + 1
    lo = np.searchsorted(big, first).tolist()
    hi = np.searchsorted(big, last).tolist()
    out = []
    for f, g, i, j in zip(first.tolist(), last.tolist(), lo, hi, strict=True):
        if i == j:  # no bridged gap: one run, the whole stay
            out.append((f, g, 0.0))
            continue
        breaks = big[i:j]
        run_start = np.r_[f, breaks + 1]
        run_end = np.r_[breaks, g]
        dwell = np.flatnonzero(t[run_end] - t[run_start] >= OBSERVED_RUN_S)
        a, b = (int(run_start[dwell[0]]), int(run_end[dwell[-1]])) if dwell.size else (f, g)
        inner = breaks[(breaks >= a) & (breaks < b)]
        out.append((a, b, float(gaps[inner].sum())))
    return out
