"""Two specs compared: what differs in their structure, and the shortest scenario one allows and the other forbids.

``structure(a, b)`` lists states, roles, events, transitions, guards, effects and policy added,
removed or changed; ``distinguish(a, b)`` checks both specs and replays each counterexample of one
on the other: a scenario that fails on one and passes on the other shows how they differ in behaviour.
"""

from twofa_fsm_tools.compare.behaviour import Distinction, distinguish
from twofa_fsm_tools.compare.structure import structure

__all__ = ["Distinction", "distinguish", "structure"]
