"""The catalogue as Open Referral UK JSON, for councils' service directories.

Follows the Open Referral UK (HSDS 1.1 UK profile) service shape: each service carries its
organization, service_at_locations, cost_options and eligibilitys (the standard's spelling).
Identifiers are UUIDs derived from SafeReach's own ids, so they stay the same between exports.
"""

import uuid

from safereach.catalogue.models import YEAR_LABEL, age_range_of

NAMESPACE = uuid.UUID("8f7f3c52-5a0e-4e27-9f57-2d2f0c1b9a61")


def _id(kind: str, pk) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{pk}"))


def organization(agency) -> dict:
    return {
        "id": _id("organization", agency.pk),
        "name": agency.name,
        "description": agency.get_kind_display(),
        "url": agency.website or None,
    }


def service(session, base_url: str) -> dict:
    ages = age_range_of(session.year_groups)
    years = ", ".join(YEAR_LABEL[y] for y in sorted(session.year_groups))
    location_name = session.get_delivery_place_display()
    return {
        "id": _id("service", session.pk),
        "name": session.title,
        "description": session.description,
        "url": base_url + session.get_absolute_url(),
        "status": "active" if session.is_published else "inactive",
        "fees": session.cost_text,
        "attending_type": "online" if session.delivery_place == "online" else "venue",
        "attending_access": "referral",
        "organization": organization(session.partner),
        "service_at_locations": [
            {
                "id": _id("service_at_location", session.pk),
                "location": {
                    "id": _id("location", f"{session.pk}:{session.delivery_place}"),
                    "name": location_name,
                    "description": f"Delivered {location_name.lower()}",
                },
            }
        ],
        "cost_options": [
            {
                "id": _id("cost_option", session.pk),
                "option": "Per session",
                "amount": session.cost_pence / 100,
                "amount_description": session.cost_text,
            }
        ],
        "eligibilitys": [
            {
                "id": _id("eligibility", session.pk),
                "eligibility": f"Pupils in {years}" if years else "Pupils",
                "minimum_age": ages[0] if ages else None,
                "maximum_age": ages[1] if ages else None,
            }
        ],
        "service_taxonomys": [
            {
                "id": _id("service_taxonomy", session.pk),
                "taxonomy": {
                    "id": _id("taxonomy", session.programme.slug),
                    "name": session.programme.name,
                    "vocabulary": "safereach-programme",
                },
            }
        ],
    }


def catalogue_document(sessions, base_url: str) -> dict:
    """A page of services, with the paging header the Open Referral UK API returns."""
    services = [service(s, base_url) for s in sessions]
    return {
        "total_items": len(services),
        "total_pages": 1,
        "number": 1,
        "size": len(services),
        "first_page": True,
        "last_page": True,
        "empty": not services,
        "content": services,
    }
