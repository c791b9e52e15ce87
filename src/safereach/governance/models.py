"""Sharing agreements: the records behind every dataset one agency shares with others."""

from datetime import date, timedelta

from django.db import models

from safereach.accounts.models import Agency, Role


class LegalBasis(models.TextChoices):
    """The lawful bases of UK GDPR Article 6 a public body shares under, and 'no personal data'."""

    PUBLIC_TASK = "public-task", "Public task (UK GDPR Article 6(1)(e))"
    LEGAL_OBLIGATION = "legal-obligation", "Legal obligation (Article 6(1)(c))"
    VITAL_INTERESTS = "vital-interests", "Vital interests (Article 6(1)(d))"
    LEGITIMATE_INTERESTS = "legitimate-interests", "Legitimate interests (Article 6(1)(f))"
    CONSENT = "consent", "Consent (Article 6(1)(a))"
    LAW_ENFORCEMENT = "law-enforcement", "Law enforcement purposes (DPA 2018 Part 3)"
    NO_PERSONAL_DATA = "no-personal-data", "No personal data is shared"


class SharingAgreement(models.Model):
    """An agreement under which one agency (the provider) shares datasets with other parties,
    for a purpose, on a legal basis, between two dates, to be reviewed by a date."""

    title = models.CharField(max_length=200, unique=True)
    provider = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="agreements_provided",
                                 help_text="The agency whose data this is.")
    parties = models.ManyToManyField(Agency, related_name="agreements",
                                     help_text="The agencies the data is shared with.")
    purpose = models.TextField()
    legal_basis = models.CharField(max_length=30, choices=LegalBasis.choices)
    datasets = models.ManyToManyField("evidence.Dataset", blank=True, related_name="agreements")
    sensitive_roles = models.JSONField(
        default=list, blank=True,
        help_text="Roles of the parties' staff who may see OFFICIAL-SENSITIVE datasets; none: nobody.")
    starts_on = models.DateField()
    ends_on = models.DateField()
    review_on = models.DateField()
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["ends_on", "title"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                   name="agreement_ends_after_it_starts"),
        ]

    def __str__(self) -> str:
        return self.title

    def in_force(self, today: date) -> bool:
        return self.starts_on <= today <= self.ends_on

    def sensitive_role_names(self) -> list[str]:
        names = dict(Role.choices)
        return [names.get(r, r) for r in self.sensitive_roles]


WARN_AHEAD = timedelta(days=60)  # how far ahead administrators are warned of an end or a review


def agreement_warnings(today, agreements) -> list[str]:
    """What the administrator should act on: agreements ended with data still under them, and
    ends and reviews falling within WARN_AHEAD."""
    warnings = []
    for a in agreements:
        count = len(a.datasets.all())
        if a.ends_on < today and count:
            warnings.append(f"“{a.title}” ended on {a.ends_on:%-d %B %Y}: its {count} dataset"
                            f"{'s are' if count != 1 else ' is'} withheld from other agencies "
                            "until it is renewed.")
        elif today <= a.ends_on <= today + WARN_AHEAD:
            warnings.append(f"“{a.title}” ends on {a.ends_on:%-d %B %Y} ({(a.ends_on - today).days} days): "
                            f"renew it or its {count} dataset{'s' if count != 1 else ''} will be withheld.")
        if today <= a.review_on <= today + WARN_AHEAD:
            warnings.append(f"“{a.title}” is due for review by {a.review_on:%-d %B %Y}.")
        elif a.review_on < today <= a.ends_on:
            warnings.append(f"“{a.title}” was due for review by {a.review_on:%-d %B %Y} "
                            "and has not been reviewed.")
    return warnings
