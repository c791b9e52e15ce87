"""Governance of the data partners share: sharing agreements (who shares which datasets, why,
on what legal basis, until when), the one rule for whether an agency may see a dataset, the
reasons people give for opening OFFICIAL-SENSITIVE data, the data inventory for a data
protection impact assessment, the retention of audit entries, and the readable audit log.

It stands above evidence (agreements cover evidence's datasets) and below matrix, so every
page that shows evidence to another agency asks `governance.access` before it does."""
