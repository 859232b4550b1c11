"""错题本: the officer's own missed questions and practice from their weakest articles."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from quizzes.services import notebook
from quizzes.services.attempts import AttemptError
from quizzes.services.presentation import key_text, question_for_page
from quizzes.views import _officer


@login_required
def notebook_page(request):
    officer = _officer(request)
    groups = notebook.grouped(officer)
    for regulation in groups:
        for article in regulation.articles:
            # Only questions whose exams released their keys are here (notebook.latest_results).
            article.views = [
                {
                    "question": question_for_page(payload, [], None),
                    "key": key_text(payload),
                    "explanation": payload.get("explanation", "")
                    if missed.explanation_released
                    else "",
                    "times": missed.times_missed,
                }
                for missed, payload in article.missed
            ]
    return render(request, "quizzes/notebook.html", {"groups": groups})


@login_required
@require_POST
def notebook_practice(request):
    officer = _officer(request)
    try:
        attempt = notebook.start_practice(officer=officer)
    except AttemptError as error:
        messages.info(request, error.message)
        return redirect("quizzes:notebook")
    return redirect("quizzes:take", attempt_id=attempt.pk)
