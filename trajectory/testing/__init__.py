"""Test and benchmark data generation: seeded manager-days with ground truth, and their scoring.

The verification core never imports this subpackage (``tests/test_architecture.py``
checks it); samples, tests and benchmarks do.  It imports only the core
(``trajectory``) and third-party code.

Modules: :mod:`~trajectory.testing.scenarios` (``generate_day``, ``SCENARIOS``,
``SimulatedDay``), :mod:`~trajectory.testing.world` (the planned grid and places),
:mod:`~trajectory.testing.walk` (the true path), :mod:`~trajectory.testing.observe`
(the phone's fixes), :mod:`~trajectory.testing.labels` (names and notes) and
:mod:`~trajectory.testing.evaluation` (scoring stays and verdicts against the truth) and
:mod:`~trajectory.testing.degrade` (a real track made noisier, sparser or gappier).
"""

from trajectory.testing.evaluation import (
    IntervalScore,
    score_intervals,
    score_verdicts,
    summarise,
    verify_generated,
)
from trajectory.testing.scenarios import SCENARIOS, SimulatedDay, generate_day

__all__ = [
    "SCENARIOS",
    "IntervalScore",
    "SimulatedDay",
    "generate_day",
    "score_intervals",
    "score_verdicts",
    "summarise",
    "verify_generated",
]
