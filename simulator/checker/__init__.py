"""The exhaustive checker: breadth-first over every reachable state of a small organisation.

``explore(spec_path)`` drives the real engine (public API only) from an abstract
world of one target account and the people around it, checks the properties of
``properties.py`` on every step, and returns the shortest counterexample of each
violated property.
"""

from twofa_fsm_tools.checker.cache import check_spec_file
from twofa_fsm_tools.checker.results import CheckResult, Violation
from twofa_fsm_tools.checker.search import explore

__all__ = ["CheckResult", "Violation", "check_spec_file", "explore"]
