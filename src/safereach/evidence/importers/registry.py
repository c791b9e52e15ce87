"""The importers `safereach load KIND` knows, by KIND. An app above evidence whose rows come
from a source file (workforce's stations) adds its importer with `register` when it is ready,
so evidence never imports it."""

from safereach.evidence.importers.area_rates import AreaRatesImporter
from safereach.evidence.importers.boundaries import BoundaryImporter
from safereach.evidence.importers.crime import CrimeImporter
from safereach.evidence.importers.deprivation import DeprivationImporter
from safereach.evidence.importers.fire_incidents import FireIncidentsImporter
from safereach.evidence.importers.lookups import LookupImporter
from safereach.evidence.importers.notices import NoticesImporter
from safereach.evidence.importers.places import PlacesImporter
from safereach.evidence.importers.schools import SchoolImporter

IMPORTERS = {
    importer.kind: importer
    for importer in (
        AreaRatesImporter,
        BoundaryImporter,
        CrimeImporter,
        DeprivationImporter,
        FireIncidentsImporter,
        LookupImporter,
        NoticesImporter,
        PlacesImporter,
        SchoolImporter,
    )
}


def register(importer) -> None:
    IMPORTERS[importer.kind] = importer
