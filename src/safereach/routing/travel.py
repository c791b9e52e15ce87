"""Travel times between places: one interface, two providers chosen by settings.

Every part of SafeReach that needs a travel time (slot offers, the term planner, an officer's
route) asks `travel_provider()` and gets minutes as a NumPy array, so it does not care where
they come from:

- `EstimatedTravel`, the default: great-circle distance × a detour factor (roads are not
  straight), driven at speeds that rise with distance, like tax bands: the first 2 km at town
  speed, the next 8 km at suburban speed, the rest at rural/A-road speed; plus a fixed few
  minutes to park and sign in at reception. Every figure is in settings.SAFEREACH_TRAVEL.
- `OsrmTravel`: the table service of an OSRM server for a real road network.

Places are (longitude, latitude) pairs in WGS84.
"""

from __future__ import annotations

import json
import math
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.error import URLError
from urllib.request import urlopen

import numpy as np
from django.conf import settings

Place = tuple[float, float]  # longitude, latitude
EARTH_RADIUS_KM = 6371.0088

DEFAULTS = {
    "PROVIDER": "estimate",
    "DETOUR_FACTOR": 1.3,
    # (up to this many km of the journey, at this speed in km/h); the last band has no limit
    "SPEED_BANDS": [(2.0, 20.0), (10.0, 40.0), (None, 65.0)],
    "FIXED_MINUTES": 5.0,
    "OSRM_URL": "http://127.0.0.1:5000",
    "OSRM_PROFILE": "driving",
    "OSRM_TIMEOUT_SECONDS": 10.0,
    "OSRM_MAX_TABLE_SIZE": 100,  # osrm-routed's default --max-table-size
}


class TravelError(RuntimeError):
    """The provider could not give travel times (server down, bad answer)."""


class TravelTimes(ABC):
    """Minutes of travel between places."""

    @abstractmethod
    def table(self, origins: Sequence[Place], destinations: Sequence[Place]) -> np.ndarray:
        """Minutes from each origin (rows) to each destination (columns); inf where no route."""

    def pairs(self, origins: Sequence[Place], destinations: Sequence[Place]) -> np.ndarray:
        """Minutes from origins[i] to destinations[i], for each i."""
        if len(origins) != len(destinations):
            raise ValueError("pairs needs as many origins as destinations")
        if not len(origins):
            return np.zeros(0)
        places = sorted(set(origins) | set(destinations))
        index = {p: i for i, p in enumerate(places)}
        full = self.table(places, places)
        return full[[index[o] for o in origins], [index[d] for d in destinations]]


def great_circle_km(origins: Sequence[Place], destinations: Sequence[Place]) -> np.ndarray:
    """Haversine distance in km, every origin to every destination."""
    a = np.radians(np.asarray(origins, dtype=float).reshape(-1, 2))
    b = np.radians(np.asarray(destinations, dtype=float).reshape(-1, 2))
    dlon = b[None, :, 0] - a[:, None, 0]
    dlat = b[None, :, 1] - a[:, None, 1]
    h = np.sin(dlat / 2) ** 2 + np.cos(a[:, None, 1]) * np.cos(b[None, :, 1]) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


@dataclass(frozen=True)
class EstimatedTravel(TravelTimes):
    detour_factor: float = DEFAULTS["DETOUR_FACTOR"]
    speed_bands: tuple = tuple(DEFAULTS["SPEED_BANDS"])
    fixed_minutes: float = DEFAULTS["FIXED_MINUTES"]

    def __post_init__(self):
        if self.detour_factor < 1:
            raise ValueError("a detour factor below 1 would make roads shorter than straight lines")
        limits = [b[0] for b in self.speed_bands]
        if limits[-1] is not None or any(x is None for x in limits[:-1]):
            raise ValueError("only the last speed band may be open-ended (None)")
        if limits[:-1] != sorted(limits[:-1]) or any(b[1] <= 0 for b in self.speed_bands):
            raise ValueError("speed bands must rise in distance and have positive speeds")

    def minutes_for_road_km(self, road_km: np.ndarray) -> np.ndarray:
        road_km = np.asarray(road_km, dtype=float)
        minutes = np.zeros_like(road_km)
        lower = 0.0
        for upper, speed in self.speed_bands:
            top = math.inf if upper is None else upper
            in_band = np.clip(road_km, lower, top) - lower
            minutes += in_band / speed * 60.0
            lower = top
        # Staying at the same place takes no travel; any journey has the fixed part.
        return np.where(road_km > 0, minutes + self.fixed_minutes, 0.0)

    def table(self, origins, destinations):
        return self.minutes_for_road_km(great_circle_km(origins, destinations) * self.detour_factor)

    def pairs(self, origins, destinations):
        if len(origins) != len(destinations):
            raise ValueError("pairs needs as many origins as destinations")
        if not len(origins):
            return np.zeros(0)
        a = np.radians(np.asarray(origins, dtype=float))
        b = np.radians(np.asarray(destinations, dtype=float))
        dlon, dlat = b[:, 0] - a[:, 0], b[:, 1] - a[:, 1]
        h = np.sin(dlat / 2) ** 2 + np.cos(a[:, 1]) * np.cos(b[:, 1]) * np.sin(dlon / 2) ** 2
        km = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
        return self.minutes_for_road_km(km * self.detour_factor)


@dataclass(frozen=True)
class OsrmTravel(TravelTimes):
    """OSRM's table service: GET /table/v1/{profile}/{lon,lat;...}?sources=..&destinations=..

    Large matrices are asked for in blocks no bigger than the server's --max-table-size.
    """

    url: str = DEFAULTS["OSRM_URL"]
    profile: str = DEFAULTS["OSRM_PROFILE"]
    timeout_seconds: float = DEFAULTS["OSRM_TIMEOUT_SECONDS"]
    max_table_size: int = DEFAULTS["OSRM_MAX_TABLE_SIZE"]

    def table(self, origins, destinations):
        origins, destinations = list(origins), list(destinations)
        result = np.empty((len(origins), len(destinations)))
        half = max(1, self.max_table_size // 2)  # sources and destinations share the limit
        for i in range(0, len(origins), half):
            for j in range(0, len(destinations), half):
                result[i : i + half, j : j + half] = self._table(
                    origins[i : i + half], destinations[j : j + half]
                )
        return result

    def _table(self, origins, destinations) -> np.ndarray:
        coordinates = ";".join(f"{lon:.6f},{lat:.6f}" for lon, lat in [*origins, *destinations])
        sources = ";".join(str(i) for i in range(len(origins)))
        targets = ";".join(str(len(origins) + j) for j in range(len(destinations)))
        url = (
            f"{self.url.rstrip('/')}/table/v1/{self.profile}/{coordinates}"
            f"?sources={sources}&destinations={targets}&annotations=duration"
        )
        try:
            with urlopen(url, timeout=self.timeout_seconds) as response:
                answer = json.load(response)
        except (URLError, OSError, ValueError) as exc:
            raise TravelError(f"OSRM at {self.url} did not answer: {exc}") from exc
        if answer.get("code") != "Ok":
            raise TravelError(f"OSRM said {answer.get('code')}: {answer.get('message', '')}")
        durations = answer.get("durations")
        if (
            not isinstance(durations, list)
            or len(durations) != len(origins)
            or any(len(row) != len(destinations) for row in durations)
        ):
            raise TravelError("OSRM answered with a table of the wrong shape")
        # OSRM gives seconds, and null where no route joins two places.
        return np.array([[math.inf if s is None else s / 60.0 for s in row] for row in durations])


def travel_settings() -> dict:
    return {**DEFAULTS, **getattr(settings, "SAFEREACH_TRAVEL", {})}


def travel_provider(config: dict | None = None) -> TravelTimes:
    """The provider settings.SAFEREACH_TRAVEL["PROVIDER"] names: "estimate" or "osrm"."""
    config = {**travel_settings(), **(config or {})}
    kind = config["PROVIDER"]
    if kind == "estimate":
        return EstimatedTravel(
            detour_factor=float(config["DETOUR_FACTOR"]),
            speed_bands=tuple(tuple(b) for b in config["SPEED_BANDS"]),
            fixed_minutes=float(config["FIXED_MINUTES"]),
        )
    if kind == "osrm":
        return OsrmTravel(
            url=config["OSRM_URL"],
            profile=config["OSRM_PROFILE"],
            timeout_seconds=float(config["OSRM_TIMEOUT_SECONDS"]),
            max_table_size=int(config["OSRM_MAX_TABLE_SIZE"]),
        )
    raise ValueError(f"SAFEREACH_TRAVEL PROVIDER {kind!r}: use 'estimate' or 'osrm'")
