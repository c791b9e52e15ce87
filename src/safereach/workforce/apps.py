from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "safereach.workforce"

    def ready(self):
        # Stations are loaded from source files like the evidence: `safereach load stations`.
        from safereach.evidence.importers.registry import register
        from safereach.workforce.station_importer import StationsImporter

        register(StationsImporter)
        from safereach.workforce import tasks  # noqa: F401 - registers reading officers' own calendars
