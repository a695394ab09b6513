"""What a policy does on an early warning (``on_warning``) and how it expedites (``expedite``).

DESIGN §7. Shared by every sourcing-policy kind; validation refuses reactions a kind cannot
carry out (``switch`` needs a policy that reacts to supply paths).
"""

from __future__ import annotations

from pydantic import Field, model_validator

from ...scenario.types import ExpediteVia, NonNegative, Positive, Spec, invalid


class OnWarning(Spec):
    """Reactions to a warning, from the warning until the episode ends (or the alarm lapses)."""

    extra_cover_days: NonNegative | None = Field(
        None,
        description="raise the stock levels by this many days of mean demand while warned",
    )
    switch: bool = Field(
        False,
        description="treat the warned supply path as down at once (adaptive_split and "
        "primary_backup move orders before the closure)",
    )
    reroute: bool = Field(
        False,
        description="shipments not yet past the warned target take the best open route avoiding it",
    )
    expedite: bool = Field(
        False, description="place an emergency order by the policy's expedite settings"
    )

    @model_validator(mode="after")
    def _something(self) -> OnWarning:
        if not (self.extra_cover_days or self.switch or self.reroute or self.expedite):
            raise invalid(
                "on_warning asks for no reaction",
                "give extra_cover_days, switch: true, reroute: true or expedite: true, or "
                "remove on_warning",
            )
        return self


class Expedite(Spec):
    """Emergency orders shipped by a faster mode at its freight cost.

    Triggered by a warning (``on_warning: {expedite: true}``) or, at a review, by a projected
    shortage: a backlog above ``when_backlog_above`` units or on hand below
    ``when_cover_below_days`` days of mean demand. At most one expedited order per site every
    ``min_interval_days``.
    """

    via: ExpediteVia = Field(
        ExpediteVia.FASTEST,
        description="fastest: the fastest open route whatever its cost; air: the fastest open "
        "route with an air leg",
    )
    units: Positive | None = Field(
        None,
        description="units per expedited order; default: enough to cover the backlog and the "
        "mean demand until the expedited units arrive, less what is on hand",
    )
    when_backlog_above: NonNegative | None = Field(
        None, description="expedite at a review when the backlog exceeds this many units"
    )
    when_cover_below_days: NonNegative | None = Field(
        None, description="expedite at a review when on hand is below this many days of demand"
    )
    min_interval_days: NonNegative = Field(
        7.0, description="days at least between two expedited orders of one site"
    )
