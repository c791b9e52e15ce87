"""The schools' side of the demo county: what schools said would help them this year, tiers
(the council's, some schools' own views and coordinators' decisions), knowledge-check questions,
feedback and class scores on delivered visits, routing rules for concerns with two named
recipients, and a few concerns. Added once demo.bookings and demo.outcomes have run, as seed
data (no emails, no audit events). Everything hangs off fictional schools, sessions, agencies
or demo users, so clearing those clears it."""

from collections import Counter
from datetime import date, datetime, time, timedelta

import numpy as np
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from django.utils.text import slugify

from safereach.accounts.concern_routing import route_concern
from safereach.accounts.models import ConcernRoute, ConcernTopic, Role, User
from safereach.bookings.models import KnownAddress, Visit
from safereach.catalogue.models import Session
from safereach.demo.partners import CHARITY, COUNCIL, DEMO_EMAIL_DOMAIN, DEMO_PASSWORD, FIRE, POLICE
from safereach.matrix.models import Programme
from safereach.schoolpage.feedback import repeat_opens_on
from safereach.schoolpage.links import school_page_url
from safereach.schoolpage.models import Feedback, FeedbackRequest, KnowledgeCheckResult, KnowledgeQuestion
from safereach.schools.models import Cohort, Concern, School, SchoolNeed, TierDecision, school_year_of
from safereach.schools.tiers import refresh_tier

ASKING = 0.3  # schools that have said what would help them this year
FEEDBACK_GIVEN = 0.6
CHECK_TAKEN = 0.5
# Of the classes that took a check straight after a visit six weeks or more ago, the share that
# took it again; pupils remember a little less of it by then.
CHECK_REPEATED = 0.6
RIGHT_AFTER, RIGHT_SIX_WEEKS_ON = 0.85, 0.72

# Demo sign-ins who receive concerns, beside the five in demo.partners; partner@ (the charity)
# receives none, so a newcomer can see both sides.
RECIPIENTS = [
    ("safeguarding", "Sam", "Okafor", POLICE),
    ("front-door", "Rowan", "Hale", COUNCIL),
]
ROUTES = [  # agency, topic ("" any), recipient
    (POLICE, ConcernTopic.EXPLOITATION, "safeguarding"),
    (POLICE, ConcernTopic.KNIFE_CARRYING, "safeguarding"),
    (POLICE, ConcernTopic.DRUGS, "safeguarding"),
    (COUNCIL, "", "front-door"),
]
QUESTIONS = {
    "home-fire-safety": [
        ("What number do you call if there is a fire?", ["999", "111", "101"], 0),
        ("How often should a smoke alarm be tested?", ["Every year", "Every month", "Every week"], 2),
        ("If there is smoke, how should you leave?", ["Stand up and run", "Get low and go",
                                                      "Hide under the bed"], 1),
    ],
    "hoax-calls": [
        ("What can a hoax call do?", ["Nothing", "Keep a fire engine from a real emergency"], 1),
        ("Can a hoax call be traced?", ["Yes", "No"], 0),
    ],
    "knife-crime": [
        ("Is it legal to carry a knife 'for protection'?", ["Yes", "No"], 1),
        ("Who can you tell anonymously?", ["Crimestoppers", "Nobody"], 0),
    ],
}
COMMENTS = [
    "The children were engaged throughout and asked lots of questions.",
    "Pitched well. Could we have it for Year 4 too?",
    "The officer was brilliant with our SEND pupils.",
    "A bit long for the younger ones; the video was the best part.",
    "",
    "",
]
POOR_COMMENTS = ["Aimed far too young for Year 9; they switched off.",
                 "Mostly a talk with slides; hard to hold their attention."]
CONCERNS = [
    (ConcernTopic.EXPLOITATION, Concern.Urgency.THIS_WEEK,
     "Two Year 10 boys have new phones and expensive trainers and are collected after school by "
     "an older man in a grey car.\nOne said he 'runs errands' in the city at weekends.",
     "Most days last week, at the bus stop opposite the gates"),
    (ConcernTopic.KNIFE_CARRYING, Concern.Urgency.TODAY,
     "A pupil told a teaching assistant that a Year 11 boy showed a knife in the park behind the "
     "leisure centre and said he carries it 'for protection'.",
     "Yesterday, about 4pm"),
    (ConcernTopic.FIRE_SETTING, Concern.Urgency.FOR_INFORMATION,
     "Small fires have been set in the bins by the sports field three times this term. We think "
     "a group of Year 8 pupils are involved.",
     "This half term"),
]


def add_demo_schools_side(county, agencies: dict, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    rng = np.random.default_rng(county.seed + 8)
    schools = list(School.objects.filter(is_fictional=True).select_related("lsoa__district"))
    year = school_year_of(today)
    year_start = timezone.make_aware(datetime(year, 9, 1, 9))
    coordinator = _coordinator(agencies)

    # The council's tiers, as if loaded from its file at the start of the school year.
    TierDecision.objects.bulk_create([
        TierDecision(school=s, tier=s.need_tier, source=TierDecision.Source.COUNCIL,
                     reason="The council's assessment (fictional)", decided_at=year_start)
        for s in schools if s.need_tier])

    asking = [s for s in schools if rng.random() < ASKING and s.year_groups_taught]
    programmes = [slug for slug, _ in Programme.objects.choices()]
    needs = []
    for school in asking:
        taught = sorted(school.year_groups_taught)
        own = school.need_tier
        if own and rng.random() < 0.25:  # some schools see themselves differently
            own = int(min(3, own + 1))
        needs.append(SchoolNeed(
            school=school, school_year=year,
            topics=list(rng.choice(programmes, size=int(rng.integers(1, 4)), replace=False)),
            in_own_words=str(rng.choice(["", "", "Vaping and sharing images on phones.",
                                         "Pupils walking home along the bypass in the dark."])),
            year_groups=sorted(int(y) for y in rng.choice(taught, size=min(2, len(taught)),
                                                          replace=False)),
            cohorts=[c for c in (Cohort.SEND, Cohort.AT_RISK_OF_EXCLUSION) if rng.random() < 0.2],
            urgency=str(rng.choice(list(SchoolNeed.Urgency.values), p=[0.25, 0.5, 0.25])),
            own_tier=own if rng.random() < 0.85 else None,
            contact_name="Head of PSHE",
            contact_email=f"pshe@{slugify(school.name)}.sch.test",
            updated_at=year_start + timedelta(days=int(rng.integers(5, 40)))))
    SchoolNeed.objects.bulk_create(needs)
    # A coordinator has confirmed about half of the schools' own views; the rest wait.
    for need in needs[: len(needs) // 2]:
        if need.own_tier:
            TierDecision.objects.create(
                school=need.school, tier=need.own_tier, source=TierDecision.Source.COORDINATOR,
                reason="Confirmed with the school's safeguarding lead.", decided_by=coordinator,
                decided_at=need.updated_at + timedelta(days=3))
    for need in needs:
        refresh_tier(need.school)

    sessions = list(Session.objects.filter(partner__in=agencies.values()).select_related("programme"))
    for session in sessions:
        for i, (text, answers, correct) in enumerate(QUESTIONS.get(session.programme.slug, []), 1):
            KnowledgeQuestion.objects.create(session=session, position=i, text=text,
                                             answers=answers, correct=correct)
    feedback_count, checks, repeated = _feedback(rng, sessions, today)
    users = _recipients(agencies)
    concerns = _concerns(rng, schools, users, agencies, today)
    return {"school needs": len(needs), "feedback": feedback_count, "knowledge checks": checks,
            "knowledge checks six weeks on": repeated,
            "concerns": concerns, "concern recipients": [u.email for u in users.values()]}


def _coordinator(agencies):
    for user in User.objects.filter(agency=agencies[FIRE]):
        if Role.COORDINATOR in (user.roles or []):
            return user
    return None


def _feedback(rng, sessions, today: date) -> tuple[int, int, int]:
    """Feedback on most delivered visits; one session's is poor, so its partner sees a flag.
    Knowledge checks straight after half the visits of sessions with questions, and for some of
    those six weeks or more ago, the same check taken again."""
    visits = list(Visit.objects.filter(session__in=sessions, outcome__delivered=True,
                                       booking__isnull=False)
                  .select_related("booking", "session__partner").order_by("starts_at"))
    with_questions = set(KnowledgeQuestion.objects.values_list("session_id", flat=True))
    # The charity's most visited session gets poor feedback from every school (partner@ is the
    # charity's, so a newcomer sees the flag).
    charity = Counter(v.session_id for v in visits if v.session.partner_id == _charity_id(sessions))
    poor = charity.most_common(1)[0][0] if charity else None
    requests, feedback, results = [], [], []
    for visit in visits:
        requests.append(FeedbackRequest(visit=visit, sent_to=visit.booking.contact_email,
                                        sent_at=visit.ends_at + timedelta(hours=2)))
        bad = visit.session_id == poor
        if bad or rng.random() < FEEDBACK_GIVEN:
            feedback.append(Feedback(
                visit=visit,
                usefulness=int(rng.choice([1, 2, 3] if bad else [3, 4, 5, 5])),
                fit=Feedback.Fit.TOO_SIMPLE if bad else str(rng.choice(
                    [Feedback.Fit.ABOUT_RIGHT] * 5 + [Feedback.Fit.TOO_ADVANCED])),
                officer_rating=int(rng.choice([3, 4, 5])),
                comments=str(rng.choice(POOR_COMMENTS if bad else COMMENTS)),
                given_by=visit.booking.contact_email,
                given_at=visit.ends_at + timedelta(days=int(rng.integers(1, 4)))))
        if visit.session_id in with_questions and rng.random() < CHECK_TAKEN:
            questions = list(KnowledgeQuestion.objects.filter(session_id=visit.session_id))
            pupils = int(rng.integers(20, 31))
            results.append(KnowledgeCheckResult(
                visit=visit, round=KnowledgeCheckResult.Round.AFTER, pupils=pupils,
                questions=[{"text": q.text, "answers": q.answers, "correct": q.correct}
                           for q in questions],
                correct_counts=[int(rng.binomial(pupils, RIGHT_AFTER)) for _ in questions],
                recorded_at=visit.ends_at + timedelta(hours=3)))
            again = repeat_opens_on(visit) + timedelta(days=int(rng.integers(0, 8)))
            if again < today and rng.random() < CHECK_REPEATED:
                requests[-1].repeat_reminder_sent_at = timezone.make_aware(
                    datetime.combine(repeat_opens_on(visit), time(8)))
                pupils = max(1, pupils - int(rng.integers(0, 4)))  # a few away that day
                results.append(KnowledgeCheckResult(
                    visit=visit, round=KnowledgeCheckResult.Round.SIX_WEEKS, pupils=pupils,
                    questions=results[-1].questions,
                    correct_counts=[int(rng.binomial(pupils, RIGHT_SIX_WEEKS_ON)) for _ in questions],
                    recorded_at=timezone.make_aware(datetime.combine(again, time(11)))))
    FeedbackRequest.objects.bulk_create(requests)
    Feedback.objects.bulk_create(feedback)
    KnowledgeCheckResult.objects.bulk_create(results)
    repeated = sum(r.round == KnowledgeCheckResult.Round.SIX_WEEKS for r in results)
    return len(feedback), len(results) - repeated, repeated


def _charity_id(sessions) -> int | None:
    return next((s.partner_id for s in sessions if s.partner.slug == CHARITY), None)


def _recipients(agencies) -> dict[str, User]:
    users = {}
    hashed = make_password(DEMO_PASSWORD)
    for handle, first, last, agency in RECIPIENTS:
        user = User(email=f"{handle}@{DEMO_EMAIL_DOMAIN}", first_name=first, last_name=last,
                    roles=[Role.PARTNER], agency=agencies[agency], password=hashed)
        user.save()
        users[handle] = user
    for agency, topic, handle in ROUTES:
        route = ConcernRoute.objects.create(agency=agencies[agency], topic=topic)
        route.recipients.add(users[handle])
    return users


def _concerns(rng, schools, users, agencies, today) -> int:
    placed = [s for s in schools if s.lsoa and s.lsoa.district]
    made = 0
    for i, (topic, urgency, seen, when) in enumerate(CONCERNS):
        school = placed[int(rng.integers(0, len(placed)))]
        district = school.lsoa.district
        routing = route_concern(topic, district.code)
        received = timezone.make_aware(datetime.combine(today - timedelta(days=2 + 5 * i), time(15, 40)))
        concern = Concern.objects.create(
            school=school, topic=topic, area_code=district.code, area_name=district.name,
            what_was_seen=seen, when_seen=when, urgency=urgency,
            reporter_name="Alex Morgan", reporter_role="Designated safeguarding lead",
            reporter_email=f"dsl@{slugify(school.name)}.sch.test", received_at=received,
            delete_after=Concern.deletion_date(received.date(), 365))
        concern.agencies.set(routing.agencies)
        concern.recipients.set(routing.recipients)
        made += 1
    return made


def demo_school_link(site_url: str) -> tuple[str, str] | None:
    """A signed link to the page of a demo school that has said what would help it, for a
    newcomer to open: (school name, URL)."""
    need = (SchoolNeed.objects.filter(school__is_fictional=True)
            .filter(school__visits__outcome__delivered=True).select_related("school").first()
            or SchoolNeed.objects.filter(school__is_fictional=True).select_related("school").first())
    if need is None:
        return None
    known = KnownAddress.objects.filter(school=need.school).first()
    if known is None:
        return None
    email = known.email or f"head@{known.domain}"
    return need.school.name, site_url.rstrip("/") + school_page_url(need.school, email)
