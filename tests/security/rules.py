"""Who may reach each URL of the project: one rule per URL pattern, one outcome per role.

A rule names the URL (the pattern's "namespace:name"), says where its arguments come from in
the test world (tests/security/world.py: every object belongs to officer A, district 1), and
gives the expected outcome for each role in world.ROLES:

    ALLOW   the view ran (a page, a file, a redirect to the next page, a 400/409 on input)
    LOGIN   sent to the login page
    DENY    403 (or, in the Wagtail admin, the redirect to its home with "no permission")
    HIDDEN  404: the object does not exist for this user, whatever its id

test_matrix.py fails for a URL pattern without a rule here and for a rule whose URL is gone.
"""

from dataclasses import dataclass, field

from tests.security.patterns import ADMIN_RULE, Outcome
from tests.security.world import ROLES

ALLOW, LOGIN, DENY, HIDDEN = Outcome.ALLOW, Outcome.LOGIN, Outcome.DENY, Outcome.HIDDEN
HR_ROLES = ("other_hr", "unit_hr", "city_hr")


def expect(default: Outcome, **by_role: Outcome) -> dict[str, Outcome]:
    unknown = set(by_role) - set(ROLES)
    assert not unknown, f"no such role: {unknown}"
    return {role: by_role.get(role, default) for role in ROLES}


def but(base: dict[str, Outcome], **by_role: Outcome) -> dict[str, Outcome]:
    return {**base, **by_role}


# --- The usual shapes ---------------------------------------------------------------------
PUBLIC = expect(ALLOW)
LOGGED_IN = expect(ALLOW, anonymous=LOGIN)
# Pages of one's own officer profile: staff without one get a 404 ("no officer profile").
OFFICERS = expect(HIDDEN, anonymous=LOGIN, officer=ALLOW, other_officer=ALLOW)
# Officer A's own records: nobody else, not even an administrator, sees them here.
OWNER = expect(HIDDEN, anonymous=LOGIN, officer=ALLOW)
# HR pages without an object; officers and trainers are refused.
HR = expect(ALLOW, anonymous=LOGIN, officer=DENY, other_officer=DENY, trainer=DENY)
# HR pages of an object in district 1: the other district's HR gets a 404.
HR_SCOPED = but(HR, other_hr=HIDDEN)
# The Wagtail admin: officers are sent to its login page; HR may enter (exam analysis).
ADMIN_OUT = {"anonymous": LOGIN, "officer": LOGIN, "other_officer": LOGIN}
TRAINERS = expect(ALLOW, **ADMIN_OUT, other_hr=DENY, unit_hr=DENY, city_hr=DENY)
ADMINISTRATORS = but(TRAINERS, trainer=DENY)


@dataclass(frozen=True)
class Rule:
    expected: dict[str, Outcome]
    # URL kwargs: parameter → world attribute (its pk is used) or a literal value.
    kwargs: dict[str, object] = field(default_factory=dict)
    # Or the whole path, from a world attribute holding it (for patterns without a name
    # reverse() can use, like Wagtail's page serving).
    path: str = ""
    note: str = ""


def R(expected, note: str = "", path: str = "", **kwargs) -> Rule:
    return Rule(expected=expected, kwargs=kwargs, path=path, note=note)


ADMIN_ENTRY = but(TRAINERS, other_hr=ALLOW, unit_hr=ALLOW, city_hr=ALLOW)
NOBODY = expect(HIDDEN)
MANAGERS = expect(HIDDEN, anonymous=LOGIN, trainer=ALLOW, admin=ALLOW)  # competitions
HOSTS = expect(DENY, anonymous=LOGIN, trainer=ALLOW, admin=ALLOW)  # the final's host
PLAYERS = expect(DENY, anonymous=LOGIN, officer=ALLOW, other_officer=ALLOW)  # final's teams
OWNER_OR_HR = but(OWNER, unit_hr=ALLOW, city_hr=ALLOW, admin=ALLOW)


def _save_body(world) -> dict:
    """Officer A's answer to the single-choice question of the attempt in progress."""
    item = next(i for i in world.attempt.items.all() if i.version.payload["kind"] == "single")
    return {"position": item.position, "response": 1, "seq": 99}


RULES: dict[str, Rule] = {
    # --- The Wagtail admin as a whole (one rule for everything that is Wagtail's) ---
    ADMIN_RULE: R(ADMIN_ENTRY),
    # --- The project's own admin views ---
    "regulation_admin:import": R(TRAINERS),
    "regulation_admin:diff": R(TRAINERS, pk="regulation"),
    "regulation_admin:review": R(TRAINERS),
    "regulation_admin:resolve": R(TRAINERS),
    "regulation_admin:create_course": R(TRAINERS),
    "quiz_admin:grading": R(TRAINERS),
    "quiz_admin:grade": R(TRAINERS, item_id="grading_item"),
    "quiz_admin:quizzes": R(ADMIN_ENTRY, "HR reads its own units' exam analysis"),
    "quiz_admin:proctor": R(TRAINERS, quiz_id="quiz"),
    "quiz_analysis:report": R(ADMIN_ENTRY, "scoped to HR's units inside", quiz_id="quiz"),
    "quiz_analysis:export": R(ADMIN_ENTRY, "scoped to HR's units inside", quiz_id="quiz"),
    "quiz_drafting:draft": R(TRAINERS),
    "question_io:import": R(TRAINERS),
    "question_io:template": R(TRAINERS),
    "question_io:export": R(TRAINERS),
    "wagtailsnippets_courses_regulation:list": R(TRAINERS),
    "wagtailsnippets_courses_regulation:list_results": R(TRAINERS),
    "wagtailsnippets_courses_regulation:inspect": R(TRAINERS, pk="regulation"),
    "wagtailsnippets_courses_article:list": R(TRAINERS),
    "wagtailsnippets_courses_article:list_results": R(TRAINERS),
    "wagtailsnippets_courses_article:inspect": R(TRAINERS, pk="article"),
    # Choosing an article of the (public) regulation texts: anyone who may enter the admin.
    "wagtailsnippetchoosers_courses_article:choose": R(ADMIN_ENTRY),
    "wagtailsnippetchoosers_courses_article:choose_results": R(ADMIN_ENTRY),
    # --- Wagtail's public routes outside the admin ---
    "wagtaildocs_serve": R(PUBLIC, "Wagtail serves documents to anyone", path="document_path"),
    "wagtaildocs_authenticate_with_password": R(NOBODY, restriction_id=999_999),
    "wagtailcore_authenticate_with_password": R(
        NOBODY, page_view_restriction_id=999_999, page_id="lesson"
    ),
    # Wagtail's front-end login, shadowed by ours (lianbing.urls): no unthrottled login.
    "wagtailcore_login": R(expect(LOGIN), "shadowed by frontend_login"),
    "frontend_login": R(expect(LOGIN), "a redirect to our throttled login page"),
    "wagtail_serve": R(
        LOGGED_IN, "a lesson page: course content needs a login", path="lesson_path"
    ),
    "set_language": R(PUBLIC),
    # --- Accounts ---
    "people:login": R(PUBLIC, "logged-in users are sent on to their dashboard"),
    "people:logout": R(expect(LOGIN), "logging out ends on the login page"),
    "people:password_change": R(LOGGED_IN),
    "dashboard": R(LOGGED_IN),
    # --- HR: roster ---
    "hr:officers": R(HR),
    "hr:import": R(HR),
    "hr:credentials": R(HR),
    "hr:password_reset": R(HR_SCOPED, officer_id="officer_a"),
    "hr:template": R(HR),
    "hr:export": R(HR),
    # --- Learning ---
    "courses:my": R(OFFICERS),
    "courses:enroll": R(OFFICERS, course_id="course"),
    "courses:lesson_panel": R(
        LOGGED_IN, "every reader sees only their own state in it", lesson_id="lesson"
    ),
    "courses:heartbeat": R(OWNER, "officer B is not enrolled", lesson_id="lesson"),
    "courses:lesson_done": R(OWNER, "officer B is not enrolled", lesson_id="lesson"),
    "courses:note": R(OWNER, "officer B is not enrolled", lesson_id="lesson"),
    "courses:assign": R(HR),
    "search:search": R(LOGGED_IN),
    "search:article": R(LOGGED_IN, pk="article"),
    # --- Exams ---
    "quizzes:mine": R(OFFICERS),
    "quizzes:detail": R(OFFICERS, quiz_id="quiz"),
    "quizzes:start": R(OFFICERS, quiz_id="quiz"),
    "quizzes:take": R(OWNER, attempt_id="attempt"),
    "quizzes:save": R(OWNER, attempt_id="attempt"),
    "quizzes:check": R(OWNER, "practice only", attempt_id="practice_attempt", position=1),
    "quizzes:submit": R(OWNER, attempt_id="attempt"),
    "quizzes:event": R(OWNER, attempt_id="attempt"),
    "quizzes:result": R(OWNER, attempt_id="finished_attempt"),
    "quizzes:notebook": R(OFFICERS),
    "quizzes:notebook_practice": R(OFFICERS),
    # --- Training hours and tallies ---
    "hours:mine": R(LOGGED_IN, "staff without an officer profile see a notice"),
    "hours:officer": R(HR_SCOPED, officer_id="officer_a"),
    "hours:manual": R(HR_SCOPED, officer_id="officer_a"),
    "hours:pending": R(HR),
    "hours:review": R(HR_SCOPED, entry_id="hour_entry"),
    "hours:reverse": R(HR_SCOPED, entry_id="hour_entry"),
    "hours:evidence": R(OWNER_OR_HR, entry_id="hour_entry"),
    "tallies:units": R(HR),
    "tallies:officers": R(HR),
    "tallies:domains": R(HR),
    "tallies:summary": R(HR),
    # --- Offline classes (organised by district 1) ---
    "classes:list": R(HR),
    "classes:create": R(HR),
    "classes:detail": R(HR_SCOPED, class_id="training_class"),
    "classes:edit": R(HR_SCOPED, class_id="training_class"),
    "classes:roster": R(HR_SCOPED, class_id="training_class"),
    "classes:roster_add": R(HR_SCOPED, class_id="training_class"),
    "classes:roster_remove": R(HR_SCOPED, class_id="training_class", officer_id="officer_a"),
    "classes:venue": R(HR_SCOPED, session_id="session"),
    "classes:venue_state": R(HR_SCOPED, session_id="session"),
    "classes:attendance": R(HR_SCOPED, session_id="session"),
    "classes:attendance_remove": R(HR_SCOPED, attendance_id="attendance"),
    "classes:check_in": R(LOGGED_IN, "the QR code's page", path="check_in_path"),
    # --- Certificates ---
    "certificates:mine": R(LOGGED_IN),
    "certificates:verify": R(PUBLIC, code="certificate.verify_code"),
    "certificates:download": R(OWNER_OR_HR, pk="certificate"),
    "certificates:register": R(HR),
    "certificates:export": R(HR),
    "certificates:zip": R(HR),
    "certificates:revoke": R(HR_SCOPED, pk="certificate"),
    "certificates:reissue": R(HR_SCOPED, pk="certificate"),
    "certificates:bulk": R(HR),
    "certificates:job": R(but(HR, other_hr=HIDDEN, city_hr=HIDDEN), pk="bulk_job"),
    "certificates:job_progress": R(but(HR, other_hr=HIDDEN, city_hr=HIDDEN), pk="bulk_job"),
    "certificates:job_resume": R(but(HR, other_hr=HIDDEN, city_hr=HIDDEN), pk="bulk_job"),
    "certificates:annual": R(HR),
    "certificates:courses": R(
        expect(DENY, anonymous=LOGIN, trainer=ALLOW), "the courses one teaches"
    ),
    # --- Competitions ---
    "competitions:list": R(LOGGED_IN),
    "competitions:detail": R(LOGGED_IN, competition_id="competition"),
    "competitions:release": R(MANAGERS, competition_id="competition"),
    "competitions:unrelease": R(MANAGERS, competition_id="competition"),
    "competitions:entry_document": R(
        but(OWNER_OR_HR, other_hr=ALLOW, trainer=ALLOW),
        "authors, the panel, and whoever runs or oversees contests (any HR)",
        competition_id="competition",
        entry_id="entry",
    ),
    "competitions:judge": R(
        expect(HIDDEN, anonymous=LOGIN, trainer=ALLOW), competition_id="competition"
    ),
    "competitions:judge_sheet": R(
        expect(HIDDEN, anonymous=LOGIN, trainer=ALLOW),
        competition_id="competition",
        entry_id="entry",
    ),
    "competitions:close_judging": R(MANAGERS, competition_id="competition"),
    "competitions:reopen_judging": R(MANAGERS, competition_id="competition"),
    "competitions:awards": R(MANAGERS, competition_id="competition"),
    # --- Live finals (officer A and officer B play in opposite teams) ---
    "finals:list": R(LOGGED_IN),
    "finals:host": R(HOSTS, final_id="final"),
    "finals:host_panel": R(HOSTS, final_id="final"),
    "finals:host_act": R(HOSTS, final_id="final"),
    "finals:team": R(PLAYERS, final_id="final"),
    "finals:team_act": R(PLAYERS, final_id="final"),
    "finals:state": R(but(HOSTS, officer=ALLOW, other_officer=ALLOW), final_id="final"),
    "finals:results": R(but(HOSTS, officer=ALLOW, other_officer=ALLOW), final_id="final"),
    "finals:screen": R(PUBLIC, "the projector, by its secret token", token="final.screen_token"),
    "finals:screen_state": R(PUBLIC, token="final.screen_token"),
}

# Request bodies for URLs whose POST needs one to reach the permission check.
JSON_BODIES = {
    "quizzes:save": _save_body,
    "quizzes:event": lambda world: {"kind": "blur", "away_seconds": 3},
}
