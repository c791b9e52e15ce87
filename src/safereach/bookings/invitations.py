"""Invitations to target schools that have not booked: the coordinator sends each an email with
a link to book the programme's session. Only schools with a contact a coordinator has verified
can be invited: a guessed address could reach anyone."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.mail import EmailMessage
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from safereach.accounts.models import Role
from safereach.accounts.permissions import role_required
from safereach.bookings.models import Invitation, KnownAddress, Visit
from safereach.bookings.priority import target_school_ids
from safereach.catalogue.models import Session
from safereach.matrix.models import Programme
from safereach.schools.models import School

RECENT_DAYS = 90  # a school invited or visited this recently is not invited again


class ProgrammeForm(forms.Form):
    programme = forms.ModelChoiceField(
        label="Programme",
        queryset=Programme.objects.targeted(),
        to_field_name="slug",
        error_messages={"invalid_choice": "Choose a programme from the list"},
    )


def uninvited_targets(programme: str, agency_id) -> list[dict]:
    """Target schools for the programme with no recent visit or invitation, and a verified
    contact; each with the agency's session for the programme that suits it, if any."""
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    targets = target_school_ids(programme)
    busy = set(
        Visit.objects.filter(
            school__in=targets,
            session__programme__slug=programme,
            status__in=Visit.LIVE,
            starts_at__gte=since,
        ).values_list("school_id", flat=True)
    )
    busy |= set(
        Invitation.objects.filter(school__in=targets, programme=programme, sent_at__gte=since).values_list(
            "school_id", flat=True
        )
    )
    contacts = dict(
        KnownAddress.objects.filter(school__in=targets).exclude(email="").values_list("school_id", "email")
    )
    sessions = list(
        Session.objects.filter(programme__slug=programme, is_published=True, partner=agency_id).order_by("pk")
    )
    return [
        {"school": s, "email": contacts.get(s.pk), "session": next((x for x in sessions if x.suits(s)), None)}
        for s in School.objects.filter(pk__in=targets - busy).order_by("name")
    ]


def send_invitations(school_ids, programme: str, user, site: str) -> tuple[int, int]:
    """Email each school's verified contact a link to book the programme's session offered by the
    user's agency that suits its year groups, and record the invitation. Returns (sent, schools
    with no such session to book); schools without a verified contact are left out."""
    sessions = list(
        Session.objects.filter(
            programme__slug=programme, is_published=True, partner=user.agency_id
        ).order_by("pk")
    )
    contacts = dict(
        KnownAddress.objects.filter(school__in=school_ids).exclude(email="").values_list("school_id", "email")
    )
    sent = missing = 0
    for school in School.objects.filter(pk__in=contacts).order_by("name"):
        # The first of the agency's sessions for the programme that suits the school's year groups.
        session = next((x for x in sessions if x.suits(school)), None)
        if session is None:
            missing += 1
            continue
        link = site + reverse("bookings:request", args=[school.urn]) + f"?session={session.slug}"
        row = {"school": school, "email": contacts[school.pk], "session": session}
        body = render_to_string("bookings/email/invitation.txt", {**row, "link": link})
        EmailMessage(
            f"An invitation to book {session.title} for {school.name}", body, to=[contacts[school.pk]]
        ).send()
        Invitation.objects.create(
            school=school, programme=programme, sent_to=contacts[school.pk], sent_by=user
        )
        sent += 1
    return sent, missing


@role_required(Role.COORDINATOR)
def invite(request):
    form = ProgrammeForm(request.GET or None)
    rows = []
    programme = form.cleaned_data["programme"].slug if form.is_valid() else None
    if programme:
        rows = uninvited_targets(programme, request.user.agency_id)
    if request.method == "POST" and programme:
        site = request.build_absolute_uri("/").rstrip("/")
        with_contact = [r["school"].pk for r in rows if r["email"]]
        sent, _ = send_invitations(with_contact, programme, request.user, site)
        messages.success(request, f"Sent {sent} invitation{'s' if sent != 1 else ''}.")
        return redirect(reverse("bookings:invite") + f"?programme={programme}")
    return render(
        request,
        "bookings/invite.html",
        {
            "form": form,
            "rows": rows,
            "programme": programme,
            "can_send": sum(1 for r in rows if r["email"] and r["session"]),
            "offers_any": any(r["session"] for r in rows),
            "recent_days": RECENT_DAYS,
        },
    )
