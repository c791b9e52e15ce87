"""How a visit went, in the school's words: its feedback on a delivered visit and the class's
scores in the session's knowledge check, taken after the visit and again six weeks later.

Scores are kept for the class as a whole: how many pupils took the check and how many answered
each question correctly. Nothing here names or identifies a pupil.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

RATING = [MinValueValidator(1), MaxValueValidator(5)]


class FeedbackRequest(models.Model):
    """The email asking a school how a delivered visit went, so it is sent once; and the
    reminder to repeat the knowledge check six weeks later."""

    visit = models.OneToOneField("bookings.Visit", on_delete=models.CASCADE,
                                 related_name="feedback_request")
    sent_to = models.EmailField()
    sent_at = models.DateTimeField(default=timezone.now)
    repeat_reminder_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Feedback asked of {self.sent_to} for visit {self.visit_id}"


class Feedback(models.Model):
    """What the school contact said about one delivered visit."""

    class Fit(models.TextChoices):
        TOO_SIMPLE = "too-simple", "Too simple for the year group"
        ABOUT_RIGHT = "about-right", "About right"
        TOO_ADVANCED = "too-advanced", "Too advanced for the year group"

    visit = models.OneToOneField("bookings.Visit", on_delete=models.CASCADE, related_name="feedback")
    usefulness = models.PositiveSmallIntegerField(validators=RATING, help_text="1 (not useful) to 5.")
    fit = models.CharField("fit for the year group", max_length=20, choices=Fit.choices)
    officer_rating = models.PositiveSmallIntegerField(validators=RATING,
                                                      help_text="1 (poor) to 5 (excellent).")
    comments = models.TextField(blank=True, help_text="Stored exactly as written.")
    given_by = models.EmailField(blank=True)
    given_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-given_at"]

    def __str__(self) -> str:
        return f"Feedback on visit {self.visit_id}: {self.usefulness}/5"


class KnowledgeQuestion(models.Model):
    """One question of a session's knowledge check, set by the partner: two to four answers,
    one of them right."""

    session = models.ForeignKey("catalogue.Session", on_delete=models.CASCADE,
                                related_name="knowledge_questions")
    position = models.PositiveSmallIntegerField(default=1)
    text = models.CharField(max_length=300)
    answers = models.JSONField(help_text="The answers pupils choose from, in order.")
    correct = models.PositiveSmallIntegerField(help_text="Which answer is right, from 0.")

    class Meta:
        ordering = ["session", "position", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def correct_answer(self) -> str:
        return self.answers[self.correct]

    @property
    def other_answers(self) -> list[str]:
        return [a for i, a in enumerate(self.answers) if i != self.correct]


class KnowledgeCheckResult(models.Model):
    """A class's results in a session's knowledge check: how many took it and how many answered
    each question right, straight after the visit or six weeks later."""

    class Round(models.TextChoices):
        AFTER = "after", "After the visit"
        SIX_WEEKS = "six-weeks", "Six weeks later"

    visit = models.ForeignKey("bookings.Visit", on_delete=models.CASCADE,
                              related_name="knowledge_checks")
    round = models.CharField(max_length=12, choices=Round.choices)
    pupils = models.PositiveIntegerField(help_text="Pupils who took the check.")
    questions = models.JSONField(help_text="The questions as they were asked, so later edits "
                                           "by the partner do not change what a score meant.")
    correct_counts = models.JSONField(help_text="Pupils answering each question right, in order.")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["visit", "round"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "round"], name="one_check_result_per_round"),
            models.CheckConstraint(condition=models.Q(pupils__gt=0), name="check_taken_by_someone"),
        ]

    def __str__(self) -> str:
        return f"Visit {self.visit_id}, {self.get_round_display()}: {self.score:.0%}"

    @property
    def score(self) -> float:
        """The share of answers that were right, across the class and the questions."""
        asked = self.pupils * len(self.correct_counts)
        return sum(self.correct_counts) / asked if asked else 0.0
