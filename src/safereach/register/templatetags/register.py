"""`{% notices_near_school school %}`: the fire-safety notices near a school, for its page."""

from django import template
from django.conf import settings

from safereach.register.nearby import notices_near

register = template.Library()


@register.inclusion_tag("register/_near_school.html", takes_context=True)
def notices_near_school(context, school):
    user = context["request"].user
    metres = settings.SAFEREACH_REGISTER["NEAR_SCHOOL_METRES"]
    if school.easting is None or school.northing is None:
        return {"school": school, "located": False, "metres": metres}
    found = notices_near(
        school.easting, school.northing, metres, agency=user.agency if user.is_authenticated else None
    )
    return {"school": school, "located": True, "metres": metres, "nearby": found}
