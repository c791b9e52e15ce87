"""What apps above the catalogue add to a session's public page (the schools' feedback and
knowledge-check scores, say). The catalogue imports none of them: an app connects a receiver to
`session_page_sections` that returns a section for the session, {"template": ..., and the
template's context}, or None to add nothing."""

from django.dispatch import Signal

session_page_sections = Signal()


def sections_for(session) -> list[dict]:
    return [found for _, found in session_page_sections.send(sender=type(session), session=session) if found]
