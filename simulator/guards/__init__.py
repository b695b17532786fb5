"""Guards decided by a solver: each allow-listed guard's formal meaning, and z3's verdicts on a spec.

``guard_findings(spec, file)`` lists a spec's overlapping transitions and transitions that can
never fire (errors) and its completeness gaps (warnings), each a one-line ``SpecError`` with a
witness.  z3 is a dependency of the tools only (the ``tools`` extra); the library keeps its own
syntactic overlap check.
"""

from __future__ import annotations

from twofa_fsm_tools.guards.findings import Finding, findings_for_file, guard_findings

__all__ = ["Finding", "findings_for_file", "guard_findings"]
