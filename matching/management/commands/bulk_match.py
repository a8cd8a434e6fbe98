"""`python manage.py bulk_match PROGRAM_SLUG [--dry-run] [--objective fit|coverage] [--exact]`.

Solves here, in this process, with the same service the admin's workers use.
Without --dry-run the result is a draft to review in the admin (publishing
stays a reviewed step, unless --publish asks for it); --dry-run writes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.urls import reverse

from matching import services_bulk
from matching.models import MatchRun, Program
from mentorship.exceptions import DomainError


class _DryRun(Exception):
    """Raised to roll the dry run's transaction back."""


class Command(BaseCommand):
    help = "Bulk-match a programme's mentees to its mentors and print the summary."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("program", help="The programme's slug.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Solve and print, but write nothing."
        )
        parser.add_argument(
            "--objective",
            choices=MatchRun.Objective.values,
            default=MatchRun.Objective.FIT,
            help="fit: best total fit (default); coverage: most people matched, then fit.",
        )
        parser.add_argument(
            "--exact", action="store_true", help="Consider every pair (slower for big cohorts)."
        )
        parser.add_argument(
            "--publish", action="store_true", help="Publish the draft right away (not reviewed)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        program = Program.objects.filter(slug=options["program"]).first()
        if program is None:
            raise CommandError(f"No programme with the slug {options['program']!r}.")
        if options["dry_run"] and options["publish"]:
            raise CommandError("--dry-run and --publish exclude each other.")
        mode = MatchRun.Mode.EXACT if options["exact"] else MatchRun.Mode.FAST
        summary: dict[str, Any] = {}
        try:
            with transaction.atomic():
                run = services_bulk.start_match_run(
                    program=program, by=None, objective=options["objective"], mode=mode
                )
                # Solved here, not by a worker: claim it before the commit could queue it.
                services_bulk.solve_match_run(run_id=run.pk)
                run.refresh_from_db()
                summary = dict(run.summary)
                if options["dry_run"]:
                    raise _DryRun
        except _DryRun:
            pass
        except DomainError as error:
            raise CommandError(str(error)) from error
        if run.status == MatchRun.Status.FAILED:
            raise CommandError(f"The bulk match failed: {run.error}")
        self._print(program, run, summary, dry_run=options["dry_run"])
        if options["publish"]:
            done = services_bulk.publish_match_run(run=run, by=None)  # type: ignore[arg-type]
            self.stdout.write(
                f"Published: {done.mentorships} mentorships, {done.introductions} "
                f"introductions, {done.notified} people told."
            )
            for reason in done.skipped:
                self.stdout.write(f"  not published: {reason}")

    def _print(
        self, program: Program, run: MatchRun, summary: dict[str, Any], *, dry_run: bool
    ) -> None:
        def percent(value: float | None) -> str:
            return "-" if value is None else f"{round(100 * value)}%"

        out = self.stdout.write
        out(f"{program.name}: {run.get_objective_display()}, {run.get_mode_display()}")
        out(
            f"  people:    {summary.get('mentees', 0)} mentees, {summary.get('mentors', 0)} "
            f"mentors, {summary.get('places', 0)} free places"
        )
        out(f"  matched:   {summary.get('matched', 0)}")
        out(
            f"  unmatched: {summary.get('no_eligible', 0)} with no eligible mentor, "
            f"{summary.get('capacity', 0)} because eligible mentors were full"
        )
        total = run.total_score or 0.0
        out(
            f"  fit:       total {total:.2f}, mean {percent(summary.get('mean'))}, "
            f"median {percent(summary.get('median'))}"
        )
        out(f"  histogram: {summary.get('histogram', [])} (pairs per 10% of fit)")
        out(
            f"  time:      {summary.get('seconds', 0)} s "
            f"(solver {summary.get('solver_seconds', 0)} s, "
            f"{summary.get('arcs', 0)} candidate pairs)"
        )
        if dry_run:
            out("Dry run: nothing was saved.")
        else:
            review = reverse("admin:matching_matchrun_change", args=[run.pk])
            out(f"Draft saved: review it at {review}")
