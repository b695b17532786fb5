"""The population profile: daily probabilities and delays, as frozen pydantic models.

A profile file is YAML read with the project's safe loader; a bad file raises the
project's one-line ``SpecError`` (file:line, place, value, fix), so the CLI prints
``twofa-fsm: error: ...`` and exits 2.  The fields are documented in
``simulator/profiles/default.yaml``.
"""

from __future__ import annotations

import math
import random
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from twofa_fsm.spec.diagnostics import Format, Issue, from_validation
from twofa_fsm.spec.yamlsafe import Lines, load_yaml

DEFAULT_PROFILE = Path(__file__).resolve().parent.parent / "profiles" / "default.yaml"

Prob = Annotated[float, Field(ge=0.0, le=1.0)]
DailyProb = Annotated[float, Field(ge=0.0, lt=1.0)]
Hours = Annotated[float, Field(ge=0.0, le=24.0 * 365)]
_Z95 = 1.6448536269514722  # standard normal quantile at 0.95


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Fixed(_Frozen):
    """Always the same number of hours."""

    kind: Literal["fixed"]
    hours: Hours

    def sample(self, rng: random.Random) -> float:
        return self.hours


class Uniform(_Frozen):
    """Uniform between ``low`` and ``high`` hours."""

    kind: Literal["uniform"]
    low: Hours
    high: Hours

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.high < self.low:
            raise ValueError(f"high ({self.high}) is below low ({self.low})")
        return self

    def sample(self, rng: random.Random) -> float:
        return rng.uniform(self.low, self.high)


class LogNormal(_Frozen):
    """Log-normal with the given median and 95th percentile (hours), capped at ``max``."""

    kind: Literal["lognormal"]
    median: Annotated[float, Field(gt=0.0, le=24.0 * 365)]
    p95: Annotated[float, Field(gt=0.0, le=24.0 * 365)]
    max: Hours = 24.0 * 60

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.p95 < self.median:
            raise ValueError(f"p95 ({self.p95}) is below the median ({self.median})")
        return self

    def sample(self, rng: random.Random) -> float:
        sigma = (math.log(self.p95) - math.log(self.median)) / _Z95
        return min(self.max, rng.lognormvariate(math.log(self.median), sigma))


Delay = Annotated[Fixed | Uniform | LogNormal, Field(discriminator="kind")]


class Organisations(_Frozen):
    size_min: Annotated[int, Field(ge=1, le=10_000)] = 4
    size_max: Annotated[int, Field(ge=1, le=10_000)] = 40
    owners: Annotated[int, Field(ge=1, le=20)] = 2
    sole_owner_fraction: Prob = 0.15
    admin_fraction: Prob = 0.1

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.size_max < self.size_min:
            raise ValueError(f"size_max ({self.size_max}) is below size_min ({self.size_min})")
        return self


class Devices(_Frozen):
    lose_phone: DailyProb = 0.0003
    delete_app: DailyProb = 0.0002
    change_phone: DailyProb = 0.0008
    change_phone_keeps_codes: Prob = 0.6
    stolen_phone: DailyProb = 0.00005


class Users(_Frozen):
    login_probability: Annotated[float, Field(gt=0.0, le=1.0)] = 0.7
    engine_login_sample: Prob = 0.04
    abandon_setup: Prob = 0.08
    walk_away: Prob = 0.5
    retry_setup_hours: Delay = LogNormal(kind="lognormal", median=1.5, p95=24)
    resetup_delay_hours: Delay = LogNormal(kind="lognormal", median=0.25, p95=3)


class Admins(_Frozen):
    response_delay_hours: Delay = LogNormal(kind="lognormal", median=3, p95=36)
    cancel_by_mistake: Prob = 0.02
    support_delay_hours: Delay = LogNormal(kind="lognormal", median=24, p95=96)
    max_tries: Annotated[int, Field(ge=1, le=50)] = 5


class Attackers(_Frozen):
    phished_at_start: Prob = 0.01
    phishing: DailyProb = 0.00005
    act_after_hours: Delay = Uniform(kind="uniform", low=1, high=168)
    help_desk: Prob = 0.5
    help_desk_fooled: Prob = 0.3
    brute_force: Prob = 0.3
    brute_force_guesses: Annotated[int, Field(ge=1, le=1000)] = 12
    watch_reset_window: Prob = 0.6
    window_lag_hours: Delay = LogNormal(kind="lognormal", median=1, p95=12)
    thief_password_guesses: Annotated[int, Field(ge=0, le=1000)] = 5

    @model_validator(mode="after")
    def _plans(self) -> Self:
        if self.help_desk + self.brute_force > 1.0:
            raise ValueError(
                f"help_desk + brute_force ({self.help_desk + self.brute_force:g}) exceed 1; they split the phished "
                "users"
            )
        return self


class Profile(_Frozen):
    profile_version: Literal[1] = 1
    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")] = "default"
    description: str = ""
    organisations: Organisations = Organisations()
    devices: Devices = Devices()
    users: Users = Users()
    admins: Admins = Admins()
    attackers: Attackers = Attackers()


# -- loading with one-line errors ---------------------------------------------------------


_BOUNDS = ("greater_than_equal", "less_than_equal", "less_than", "greater_than")
_BOUNDS_TEXT = {"ge": "at least", "le": "at most", "lt": "below", "gt": "above"}


def _fix(issue: Issue) -> str | None:
    """The profile's own fixes (unknown and missing keys get the common ones)."""
    kind = issue.kind
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return "set 'kind:' to one of: fixed (hours), uniform (low, high), lognormal (median, p95, max)"
    if kind in _BOUNDS:
        bounds = " and ".join(f"{_BOUNDS_TEXT[k]} {v}" for k, v in issue.ctx.items() if k in _BOUNDS_TEXT)
        return f"use a number {bounds}" if bounds else "use a number in range"
    if kind in ("float_parsing", "int_parsing", "float_type", "int_type", "int_from_float"):
        return "write a plain number"
    return None


PROFILE_FORMAT = Format(
    Profile,
    generic_fix="correct the value (see simulator/profiles/default.yaml, which documents every field)",
    fix=_fix,
    shows_key=True,
)


def parse_profile(data: Any, lines: Lines, file: str) -> Profile:
    try:
        return Profile.model_validate(data)
    except ValidationError as err:
        raise from_validation(err, file, lines, PROFILE_FORMAT)[0] from None


def load_profile(path: str | Path | None = None) -> Profile:
    """Read and validate a profile file (the default one when ``path`` is None); raises ``SpecError``."""
    target = DEFAULT_PROFILE if path is None else Path(path)
    data, lines = load_yaml(target)
    return parse_profile(data, lines, str(path if path is not None else target))
