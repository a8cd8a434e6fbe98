from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from matching.engine.scoring import CRITERIA, DEFAULT_WEIGHTS, Weights, WeightsError

CRITERION_LABELS = {
    "skills": "Wanted skills",
    "industry": "Industry",
    "experience": "Experience and seniority",
    "traits": "Mentoring style",
    "languages": "Languages",
    "availability": "Shared availability",
    "formats": "Formats and rhythm",
}


def validate_weights(value: Any) -> None:
    """Weights are a mapping of known criteria to numbers of 0 or more, not all zero."""
    if not isinstance(value, dict):
        raise ValidationError('Weights are a mapping such as {"skills": 0.4}.')
    try:
        Weights.of(value)
    except WeightsError as error:
        raise ValidationError(str(error)) from error


class Program(models.Model):
    """A mentoring programme: how its people are matched (minimal until cohorts land)."""

    class Kind(models.TextChoices):
        ONE_TO_ONE = "one_to_one", "One-to-one mentoring"
        PEER = "peer", "Peer mentoring"
        REVERSE = "reverse", "Reverse mentoring"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.ONE_TO_ONE)
    description = models.TextField(blank=True, max_length=2000)
    weights = models.JSONField(
        default=dict,
        blank=True,
        validators=[validate_weights],
        help_text=(
            'Overrides of the default criterion weights, e.g. {"skills": 0.4, '
            '"availability": 0.3}. Names: ' + ", ".join(CRITERIA) + ". Missing names keep "
            "their defaults; all are rescaled to add up to 100%."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    def engine_weights(self) -> Weights:
        return Weights.of(self.weights or {})

    def weight_shares(self) -> list[tuple[str, int]]:
        """(label, percent) per criterion, as the admin and pages show them."""
        weights = self.engine_weights()
        return [(CRITERION_LABELS[name], round(100 * weights[name])) for name in CRITERIA]


__all__ = ["CRITERION_LABELS", "DEFAULT_WEIGHTS", "Program", "validate_weights"]
