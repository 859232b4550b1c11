"""The officer's side of quizzes: list, start, answer, submit, results, notebook.

Every attempt is looked up together with `officer=request.user.officer`, so another
officer's attempt is a 404 whatever id is put in the URL. Saving an answer is a small
JSON request the page sends as soon as an answer is given.
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.services.learning import officer_of
from quizzes.models import Attempt, IntegrityEvent, Quiz
from quizzes.services import attempts as attempt_service
from quizzes.services import eligibility, grading, notebook, paper
from quizzes.services.attempts import AttemptError, version_payload
from quizzes.services.presentation import question_for_page, review_for_page

MAX_BODY = 20_000


def _officer(request):
    officer = officer_of(request.user)
    if officer is None:
        raise Http404(_("您的账号没有学员档案。"))
    return officer


def _own_attempt(request, attempt_id) -> Attempt:
    return get_object_or_404(
        Attempt.objects.select_related("quiz"), pk=attempt_id, officer=_officer(request)
    )


@login_required
def my_quizzes(request):
    officer = _officer(request)
    now = timezone.now()
    rows = []
    for quiz in eligibility.quizzes_for(officer, now=now):
        mine = list(Attempt.objects.filter(quiz=quiz, officer=officer).order_by("number"))
        rows.append(
            {
                "quiz": quiz,
                "attempts": mine,
                "in_progress": next((a for a in mine if a.in_progress), None),
                "refusal": eligibility.refusal(quiz, officer, now=now),
                "grade": grading.quiz_grade(quiz, officer),
                "score_released": grading.release_for(mine[-1], now=now).score if mine else False,
            }
        )
    return render(
        request,
        "quizzes/my_quizzes.html",
        {"rows": rows, "notebook_count": notebook.missed_count(officer)},
    )


@login_required
def quiz_detail(request, quiz_id):
    officer = _officer(request)
    quiz = get_object_or_404(Quiz, pk=quiz_id, live=True)
    if not eligibility.in_audience(quiz, officer):
        raise Http404(_("您不在本考试的参加范围内"))
    mine = list(Attempt.objects.filter(quiz=quiz, officer=officer).order_by("number"))
    now = timezone.now()
    return render(
        request,
        "quizzes/quiz_detail.html",
        {
            "quiz": quiz,
            "attempts": [(a, grading.release_for(a, now=now)) for a in mine],
            "in_progress": next((a for a in mine if a.in_progress), None),
            "refusal": eligibility.refusal(quiz, officer, now=now),
            "grade": grading.quiz_grade(quiz, officer),
        },
    )


@login_required
@require_POST
def start(request, quiz_id):
    # Read with the user, unit included (people.backends): the audience check needs it.
    officer = _officer(request)
    quiz = paper.live_quiz(quiz_id)
    if quiz is None:
        raise Http404(_("没有这场考试"))
    try:
        attempt = attempt_service.start_attempt(quiz=quiz, officer=officer)
    except AttemptError as error:
        messages.error(request, error.message)
        return redirect("quizzes:detail", quiz_id=quiz.pk)
    return redirect("quizzes:take", attempt_id=attempt.pk)


@login_required
def take(request, attempt_id):
    attempt = _own_attempt(request, attempt_id)
    if attempt.in_progress and attempt.time_is_up():
        attempt = attempt_service.finalize_if_due(attempt.pk)
    if not attempt.in_progress:
        return redirect("quizzes:result", attempt_id=attempt.pk)
    items = list(attempt.items.order_by("position"))
    questions = []
    for item in items:
        payload = version_payload(item.version_id)
        view = question_for_page(payload, item.option_order, item.response, name=str(item.position))
        view.update(position=item.position, saved=item.saved_at is not None, points=item.points)
        if attempt.practice and item.graded_at:
            view["checked"] = _practice_review(item, payload)
        questions.append(view)
    if request.GET.get("resumed"):
        IntegrityEvent.objects.create(attempt=attempt, kind=IntegrityEvent.Kind.RESUMED)
    remaining = None
    if attempt.deadline:
        remaining = max(0, int((attempt.deadline - timezone.now()).total_seconds()))
    return render(
        request,
        "quizzes/take.html",
        {
            "attempt": attempt,
            "questions": questions,
            "remaining_seconds": remaining,
            "answered": sum(1 for item in items if item.response is not None),
        },
    )


def _json_body(request) -> dict:
    if len(request.body) > MAX_BODY:
        raise AttemptError(_("请求过大"), code="invalid")
    try:
        body = json.loads(request.body or b"{}")
    except ValueError as error:
        raise AttemptError(_("请求格式不正确"), code="invalid") from error
    if not isinstance(body, dict):
        raise AttemptError(_("请求格式不正确"), code="invalid")
    return body


def _error(error: AttemptError) -> JsonResponse:
    status = {"not_found": 404, "time_up": 409, "ended": 409, "locked": 409}.get(error.code, 400)
    return JsonResponse({"ok": False, "code": error.code, "message": error.message}, status=status)


@login_required
@require_POST
def save(request, attempt_id):
    """Save one answer: {"position": 3, "response": …, "seq": 17}. Answers 200 once stored.

    The attempt's owner is checked by the save itself (by user id), not by reading the
    officer first: this is the request an exam sends most.
    """
    try:
        body = _json_body(request)
        position, seq = body.get("position"), body.get("seq", 0)
        if not isinstance(position, int) or not isinstance(seq, int) or seq < 0:
            raise AttemptError(_("请求格式不正确"), code="invalid")
        item = attempt_service.save_answer(
            attempt_id=attempt_id,
            user_id=request.user.pk,
            position=position,
            response=body.get("response"),
            seq=seq,
        )
    except AttemptError as error:
        return _error(error)
    return JsonResponse(
        {
            "ok": True,
            "position": item.position,
            "seq": item.response_seq,
            "response": item.response,  # the officer's own answer, never a key
            "saved_at": timezone.localtime(item.saved_at).strftime("%H:%M:%S"),
        }
    )


@login_required
@require_POST
def check(request, attempt_id, position):
    """Practice only: grade one answer now and show the key and explanation."""
    attempt = _own_attempt(request, attempt_id)
    try:
        item = attempt_service.check_practice_answer(
            attempt_id=attempt.pk, officer_id=attempt.officer_id, position=position
        )
    except AttemptError as error:
        return _error(error)
    review = _practice_review(item, version_payload(item.version_id))
    return render(request, "quizzes/_practice_feedback.html", {"review": review})


def _practice_review(item, payload) -> dict:
    review = review_for_page(
        payload,
        item.option_order,
        item.response,
        answers=True,
        explanations=True,
        score=item.score,
    )
    review["correct"] = item.score is not None and item.score >= item.points
    return review


@login_required
@require_POST
def submit(request, attempt_id):
    officer = _officer(request)
    try:
        attempt = attempt_service.submit_attempt(attempt_id=attempt_id, officer_id=officer.pk)
    except AttemptError as error:
        raise Http404(error.message) from error
    return redirect("quizzes:result", attempt_id=attempt.pk)


@login_required
@require_POST
def event(request, attempt_id):
    """A focus loss or tab switch: recorded for the proctor, nothing else happens."""
    attempt = _own_attempt(request, attempt_id)
    try:
        body = _json_body(request)
    except AttemptError as error:
        return _error(error)
    kind = body.get("kind")
    if kind not in IntegrityEvent.Kind.values or not attempt.in_progress:
        return JsonResponse({"ok": False}, status=400)
    away = body.get("away_seconds", 0)
    IntegrityEvent.objects.create(
        attempt=attempt,
        kind=kind,
        away_seconds=away if isinstance(away, int) and 0 <= away < 86_400 else 0,
        user_agent=request.headers.get("User-Agent", "")[:200],
    )
    return JsonResponse({"ok": True})


@login_required
def result(request, attempt_id):
    attempt = _own_attempt(request, attempt_id)
    if attempt.in_progress:
        if not attempt.time_is_up():
            return redirect("quizzes:take", attempt_id=attempt.pk)
        attempt = attempt_service.finalize_if_due(attempt.pk)
    release = grading.release_for(attempt)
    reviews = []
    if release.answers or release.explanations or release.score:
        for item in attempt.items.order_by("position"):
            view = review_for_page(
                version_payload(item.version_id),
                item.option_order,
                item.response,
                answers=release.answers,
                explanations=release.explanations,
                score=item.score if release.marks else None,
            )
            view.update(
                position=item.position,
                points=item.points,
                feedback=item.feedback,
                pending=item.needs_grading,
            )
            reviews.append(view)
    return render(
        request,
        "quizzes/result.html",
        {"attempt": attempt, "release": release, "reviews": reviews},
    )
