"""Reads for the bulk-match review: why each drafted pair fits, in the engine's words."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import timezone

from matching.engine.scoring import score_one
from matching.explanations import Explanation, explain
from matching.index import (
    VocabularyChanged,
    clock_versions,
    current_index,
    forget,
)
from matching.index import _load_seekers as load_seekers_with_facts
from matching.models import MatchRun, MatchRunPair


def explain_run_pairs(*, run: MatchRun, pairs: Sequence[MatchRunPair]) -> dict[int, Explanation]:
    """Each line's explanation by line id, told about the mentee ("2 of Ana's 2 wanted
    skills"): the mentees encoded together in a constant number of queries, then
    one array scoring per mentee. Lines whose mentor is not listed are left out."""
    lines = [line for line in pairs if line.mentor_id is not None]
    if not lines:
        return {}
    ids = list(dict.fromkeys(line.mentee_id for line in lines))
    now = timezone.now()
    clock, taxonomy = clock_versions()
    index = current_index(now=now, version=clock, taxonomy=taxonomy)
    try:
        seekers, facts = load_seekers_with_facts(
            index.vocab, index.week_start, ids, with_slots=True
        )
    except VocabularyChanged:
        forget()
        index = current_index(now=now, version=clock, taxonomy=taxonomy)
        seekers, facts = load_seekers_with_facts(
            index.vocab, index.week_start, ids, with_slots=True
        )
    program = run.program
    weights = program.engine_weights()
    today = timezone.localdate().toordinal()
    row_of = {user_id: row for row, user_id in enumerate(ids)}
    zone = timezone.get_current_timezone_name()
    explanations: dict[int, Explanation] = {}
    for line in lines:
        position = index.position(line.mentor_id or 0)
        if position is None:
            continue
        row = row_of[line.mentee_id]
        seeker = seekers.take(row)
        scored = score_one(seeker, index.offers, weights=weights, kind=program.kind, today=today)
        explanations[line.pk] = explain(
            index=index,
            position=position,
            scored=scored,
            seeker=seeker,
            facts=facts[row],
            weights=weights,
            voice="mentor",
            mentee_name=line.mentee.get_short_name(),
            reader_zone=zone,
        )
    return explanations
