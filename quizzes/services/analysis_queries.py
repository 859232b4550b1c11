"""A quiz's analysis as one user may see it: who may open it, whose attempts count, the rows.

Who may open it: trainers (quizzes.change_quiz) and HR (`people.utils.is_hr`, which
includes administrators). Whose attempts count:
- HR sees the officers of its units' subtrees (`visible_officers`, limited to
  `visible_units` so an HR user's own attempt outside its scope does not add a stray unit);
- trainers and administrators see the whole cohort: reviewing the questions they wrote needs
  every answer, and the page shows only aggregates, never an officer's name. A user who is
  both trainer and unit HR gets the wider view, as roles add up.
Only trainers see the answer key and how often each option was chosen.

Which attempts count: finished ones. The score distribution, summary and unit table use
each officer's graded attempts combined by the quiz's 多次作答取分 (see `item_analysis`);
attempts still waiting for a trainer (待阅卷) are counted as pending only. Item analysis
uses every finished attempt's items, graded and waiting alike, except the items a trainer
has not scored yet — so partial statistics are available while grading goes on.

Units are the officers' current units: someone transferred since counts with the new one.
A handful of queries whatever the cohort's size: attempts, items, versions, unit names.
"""

from django.db.models import Subquery

from people.models import Unit
from people.utils import hr_scope_paths, is_hr, sees_everything, visible_officers, visible_units
from quizzes.models import Attempt, AttemptItem, QuestionVersion, Quiz
from quizzes.services.item_analysis import Analysis, AttemptRow, ItemRow, analyse

FINISHED = (Attempt.State.GRADED, Attempt.State.GRADING)
TRAINER_PERMISSION = "quizzes.change_quiz"


def can_view_analysis(user) -> bool:
    return user.is_authenticated and (user.has_perm(TRAINER_PERMISSION) or is_hr(user))


def can_see_keys(user) -> bool:
    """Answer keys and option counts: for the people who write the questions."""
    return user.is_authenticated and user.has_perm(TRAINER_PERMISSION)


def sees_whole_cohort(user) -> bool:
    return sees_everything(user) or user.has_perm(TRAINER_PERMISSION)


def analysis_officers(user):
    """The officers whose attempts the user's figures include; None means everyone."""
    if sees_whole_cohort(user):
        return None
    return visible_officers(user).filter(unit__in=visible_units(user))


def scope_units(user) -> list[Unit]:
    """The top units of the user's view (to say on the page and in the export); [] = all."""
    if sees_whole_cohort(user):
        return []
    paths = hr_scope_paths(user)
    # A scope inside another scope of the same user adds nothing to say.
    tops = [p for p in paths if not any(p != o and p.startswith(o) for o in paths)]
    return list(Unit.objects.filter(path__in=tops).order_by("path"))


def finished_attempts(quiz: Quiz, officers=None):
    attempts = Attempt.objects.filter(quiz=quiz, state__in=FINISHED)
    if officers is not None:
        attempts = attempts.filter(officer__in=Subquery(officers.values("pk")))
    return attempts


def unit_labels(paths) -> dict[str, str]:
    """Unit.full_name() for many units at once: one query for all their ancestors."""
    step = Unit.steplen
    wanted = {p[:end] for p in paths for end in range(step, len(p) + 1, step)}
    names = dict(Unit.objects.filter(path__in=wanted).values_list("path", "name"))
    labels = {}
    for path in paths:
        # Like full_name(): ancestors below the root, then the unit itself.
        chain = [path[:end] for end in range(2 * step, len(path) + 1, step)] or [path]
        labels[path] = " / ".join(names.get(p, "") for p in chain)
    return labels


def attempt_rows(attempts) -> list[AttemptRow]:
    rows = list(
        attempts.values_list(
            "pk", "officer_id", "number", "state", "score", "max_score", "officer__unit__path"
        )
    )
    labels = unit_labels({row[-1] for row in rows})
    return [
        AttemptRow(
            key=str(pk),
            officer=officer,
            number=number,
            score=score,
            max_score=max_score,
            graded=state == Attempt.State.GRADED,
            unit_key=path,
            unit_label=labels[path],
        )
        for pk, officer, number, state, score, max_score, path in rows
    ]


def item_rows(attempts) -> list[ItemRow]:
    items = AttemptItem.objects.filter(attempt__in=Subquery(attempts.values("pk")))
    # Payloads once per version, not once per item: a paper's versions repeat a lot.
    versions = {
        pk: (question, number, payload)
        for pk, question, number, payload in QuestionVersion.objects.filter(
            pk__in=Subquery(items.values("version_id"))
        ).values_list("pk", "question_id", "number", "payload")
    }
    rows = []
    fields = ("attempt_id", "version_id", "position", "points", "response", "score")
    for attempt, version, position, points, response, score in items.values_list(*fields).iterator(
        chunk_size=2000
    ):
        question, number, payload = versions[version]
        rows.append(
            ItemRow(
                attempt=str(attempt),
                version=version,
                question=question,
                version_number=number,
                position=position,
                payload=payload,
                points=points,
                response=response,
                score=score,
            )
        )
    return rows


def quiz_analysis(quiz: Quiz, user) -> Analysis:
    """Everything the report page and the export show, within the user's view."""
    attempts = finished_attempts(quiz, analysis_officers(user))
    return analyse(
        attempt_rows(attempts),
        item_rows(attempts),
        grading_method=quiz.grading_method,
        pass_percent=quiz.pass_percent,
    )
