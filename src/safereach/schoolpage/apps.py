from django.apps import AppConfig


class SchoolPageConfig(AppConfig):
    name = "safereach.schoolpage"
    verbose_name = "Schools' side"

    def ready(self):
        # Councils' tiers of need are loaded like the evidence: `safereach load tiers`.
        from safereach.evidence.importers.registry import register
        from safereach.schoolpage import signals  # noqa: F401  (asks for feedback after a visit)
        from safereach.schoolpage.tier_importer import TiersImporter

        register(TiersImporter)
        from safereach.schoolpage import tasks  # noqa: F401 - registers the daily deletion of old concerns
