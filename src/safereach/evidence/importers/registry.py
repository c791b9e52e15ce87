"""The importers `safereach load KIND` knows, by KIND."""

from safereach.evidence.importers.crime import CrimeImporter

IMPORTERS = {
    importer.kind: importer
    for importer in (
        CrimeImporter,
    )
}
