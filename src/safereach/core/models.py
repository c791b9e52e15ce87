"""Rows that what every app uses keeps: when each periodic task is next due."""

from django.db import models


class PeriodicTask(models.Model):
    """A background task run every so often (core.periodic): when it is next due, so that of
    all the processes that tick (web processes, `safereach periodic`), one starts each turn."""

    name = models.CharField(max_length=200, unique=True, help_text="The task's module path.")
    every_seconds = models.PositiveIntegerField()
    next_due_at = models.DateTimeField()
    last_started_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} every {self.every_seconds} s"
