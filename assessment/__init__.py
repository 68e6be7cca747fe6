"""trajcheck's assessment module: the scheme's buyer, order and scorecard rules and pages.
assessment imports trajectory and maps (its pages render through maps' HTML helpers and labels).

Read exports with :func:`read_dataset` (or :mod:`assessment.io` / :mod:`assessment.validate`
row by row), then :func:`assess_buyers` (target, grade, status, rank, rights of every
buyer) and :func:`match_declarations` / :func:`summarise_matches` (declared vs actual
orders).  Thresholds live in :class:`AssessConfig`.
"""

from assessment.buyers import assess_buyers
from assessment.config import AssessConfig, load_assess_config
from assessment.io import Dataset, read_dataset
from assessment.orders import match_declarations, summarise_matches
from assessment.validate import Validated, validate_rows

__all__ = [
    "AssessConfig",
    "Dataset",
    "Validated",
    "assess_buyers",
    "load_assess_config",
    "match_declarations",
    "read_dataset",
    "summarise_matches",
    "validate_rows",
]
