"""Hypothesis as a killer: the derived stateful machine (``twofa_fsm_tools.checker.stateful``) run on a mutant.

Derandomized and bounded, so a verdict is the same on every run; a mutant it does not break in that budget
is simply not killed by it (the exhaustive checker is the proof, this is a second, random, long-history
opinion).  Needs Hypothesis (a development dependency): without it the killer says so and kills nothing.
"""

from __future__ import annotations

from twofa_fsm import Spec

EXAMPLES, STEPS = 100, 20


def available() -> str | None:
    """None when Hypothesis can run here, else why not."""
    try:
        import hypothesis  # noqa: F401
    except ImportError:
        return "Hypothesis is not installed (pip install 'twofa-fsm[dev]')"
    return None


def hypothesis_kills(spec: Spec, examples: int = EXAMPLES, steps: int = STEPS) -> str | None:
    """The first property (or error) the stateful machine breaks on ``spec``, or None."""
    from hypothesis import HealthCheck, Phase, settings
    from hypothesis.errors import HypothesisException
    from hypothesis.stateful import run_state_machine_as_test

    from twofa_fsm_tools.checker.stateful import machine_for

    budget = settings(
        max_examples=examples,
        stateful_step_count=steps,
        derandomize=True,
        database=None,
        deadline=None,
        print_blob=False,
        phases=(Phase.generate,),
        suppress_health_check=list(HealthCheck),
    )
    try:
        run_state_machine_as_test(machine_for(spec), settings=budget)
    except AssertionError as err:
        return str(err).splitlines()[0]
    except HypothesisException as err:
        return f"the machine could not run ({type(err).__name__})"
    except Exception as err:  # the world itself broke on the mutant: that kills it too
        return f"the world broke ({type(err).__name__}: {err})"
    return None
