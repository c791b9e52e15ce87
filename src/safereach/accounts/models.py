"""Agencies, staff users and their roles, and the audit log."""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models


class Agency(models.Model):
    """An organisation that takes part: a fire and rescue service, a police force, a council, a charity."""

    class Kind(models.TextChoices):
        FIRE_RESCUE = "fire_rescue", "Fire and rescue service"
        POLICE = "police", "Police force"
        COUNCIL = "council", "Council"
        CHARITY = "charity", "Charity"
        HEALTH = "health", "Health"
        EDUCATION = "education", "Education"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    slug = models.SlugField(max_length=80, unique=True)
    website = models.URLField(blank=True)
    is_fictional = models.BooleanField(
        default=False, help_text="Part of the fictional demo county, not a real organisation."
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    """What a staff user may do. A user may hold several."""

    ADMINISTRATOR = "administrator", "Administrator"
    ANALYST = "analyst", "Analyst"
    COORDINATOR = "coordinator", "Booking coordinator"
    OFFICER = "officer", "Education officer"
    PARTNER = "partner", "Partner"
    # Fire safety protection (the register of notices): officers record notices, managers
    # also see what the register owes.
    PROTECTION_OFFICER = "protection_officer", "Protection officer"
    PROTECTION_MANAGER = "protection_manager", "Protection manager"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("A user needs an email address")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("roles", [Role.ADMINISTRATOR])
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A member of staff who signs in with email and password."""

    username = None
    email = models.EmailField("email address", unique=True)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="users")
    roles = models.JSONField(default=list, blank=True,
                             help_text="Any of: " + ", ".join(Role.values))

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def has_role(self, *roles: str) -> bool:
        """True when the user holds any of `roles`; administrators hold every role."""
        held = set(self.roles or [])
        return bool(held & set(roles)) or Role.ADMINISTRATOR in held or self.is_superuser

    def save(self, *args, **kwargs):
        # The Django admin is for administrators: the role and the staff flag move together.
        self.is_staff = Role.ADMINISTRATOR in (self.roles or []) or self.is_superuser
        super().save(*args, **kwargs)


class AuditEvent(models.Model):
    """Who did what to which data, kept for sensitive views, exports and loads."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    actor = models.CharField(max_length=200, blank=True,
                             help_text="Who acted when no user signed in, e.g. a command line user.")
    action = models.CharField(max_length=60)
    target = models.CharField(max_length=300, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor or self.user} {self.action} {self.target}"


class ConcernTopic(models.TextChoices):
    """What a school's safeguarding concern is about: the topics concerns are routed by."""

    EXPLOITATION = "exploitation", "Child exploitation or county lines"
    KNIFE_CARRYING = "knife-carrying", "Knife or weapon carrying"
    FIRE_SETTING = "fire-setting", "Fire-setting"
    HOAX_CALLS = "hoax-calls", "Hoax calls to the emergency services"
    ONLINE_HARM = "online-harm", "Online harm or grooming"
    RADICALISATION = "radicalisation", "Radicalisation"
    DRUGS = "drugs", "Drugs or alcohol"
    ANTI_SOCIAL = "anti-social-behaviour", "Anti-social behaviour"
    OTHER = "other", "Something else"


class ConcernRoute(models.Model):
    """Who receives schools' concerns on a topic from an area: an agency and its named staff.

    Blank topic or area means any. A concern goes to the rules that match it most closely
    (accounts/concern_routing.py), so a county-wide rule is the fallback for a district's.
    """

    topic = models.CharField(max_length=40, choices=ConcernTopic.choices, blank=True,
                             help_text="Blank: concerns on any topic.")
    area_code = models.CharField(
        "area code", max_length=9, blank=True,
        help_text="ONS code of the district the concern is about, e.g. E07000070; blank: anywhere.")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="concern_routes")
    recipients = models.ManyToManyField(
        User, related_name="concern_routes",
        help_text="The named staff who receive and may open these concerns.")

    class Meta:
        ordering = ["agency__name", "topic", "area_code"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "topic", "area_code"],
                                    name="one_concern_route_per_agency_topic_area")
        ]

    def __str__(self) -> str:
        topic = self.get_topic_display() if self.topic else "any topic"
        return f"{self.agency}: {topic}, {self.area_code or 'anywhere'}"
