"""The email that carries a school's page link to a contact the school is known by."""

from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from safereach.schoolpage.links import school_page_url, schools_settings


def send_school_link(school, email: str, site_url: str) -> None:
    body = render_to_string("schoolpage/email/school_link.txt", {
        "school": school, "url": site_url + school_page_url(school, email),
        "days": schools_settings()["SCHOOL_LINK_DAYS"]})
    EmailMessage(f"Your link to {school.name}'s page on SafeReach", body, to=[email]).send()
