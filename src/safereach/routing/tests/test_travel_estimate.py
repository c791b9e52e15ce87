import numpy as np
import pytest

from safereach.routing.travel import EstimatedTravel, OsrmTravel, great_circle_km, travel_provider

CHELMSFORD = (0.4691, 51.7356)
COLCHESTER = (0.9014, 51.8959)


def test_one_degree_of_latitude_is_about_111_km():
    km = great_circle_km([(0.0, 51.0)], [(0.0, 52.0)])

    assert km.shape == (1, 1)
    assert km[0, 0] == pytest.approx(111.2, abs=0.1)


def test_minutes_follow_the_speed_bands_like_tax_bands():
    travel = EstimatedTravel(detour_factor=1.0, speed_bands=((2, 20), (10, 40), (None, 60)), fixed_minutes=5)

    minutes = travel.minutes_for_road_km(np.array([0.0, 1.0, 5.0, 40.0]))

    # 1 km at 20 km/h; 2 km at 20 then 3 at 40; 2 at 20, 8 at 40, 30 at 60; plus 5 each
    assert minutes.tolist() == pytest.approx([0.0, 3 + 5, 6 + 4.5 + 5, 6 + 12 + 30 + 5])


def test_the_detour_factor_lengthens_the_road():
    straight = EstimatedTravel(detour_factor=1.0, fixed_minutes=0)
    winding = EstimatedTravel(detour_factor=1.5, fixed_minutes=0)

    km = great_circle_km([CHELMSFORD], [COLCHESTER])[0, 0]

    assert winding.table([CHELMSFORD], [COLCHESTER])[0, 0] == pytest.approx(
        straight.minutes_for_road_km(np.array(km * 1.5))
    )


def test_the_table_is_symmetric_zero_on_the_diagonal_and_rises_with_distance():
    travel = EstimatedTravel()
    places = [CHELMSFORD, COLCHESTER, (0.47, 51.74), (0.6, 51.8)]

    m = travel.table(places, places)

    assert np.allclose(m, m.T)
    assert np.all(np.diag(m) == 0)
    assert m[0, 2] < m[0, 3] < m[0, 1]


def test_pairs_agree_with_the_table():
    travel = EstimatedTravel()
    origins = [CHELMSFORD, COLCHESTER, CHELMSFORD]
    destinations = [COLCHESTER, (0.6, 51.8), CHELMSFORD]

    full = travel.table(origins, destinations)

    assert travel.pairs(origins, destinations) == pytest.approx(np.diag(full))
    assert TravelTimesPairs().pairs(origins, destinations) == pytest.approx(np.diag(full))


class TravelTimesPairs(EstimatedTravel):
    """Uses the generic pairs (through one table), as OSRM does."""

    def pairs(self, origins, destinations):
        return super(EstimatedTravel, self).pairs(origins, destinations)


@pytest.mark.parametrize(
    "bad",
    [
        {"detour_factor": 0.9},
        {"speed_bands": ((None, 30), (10, 40))},
        {"speed_bands": ((10, 30), (2, 40), (None, 60))},
        {"speed_bands": ((2, 0), (None, 60))},
    ],
)
def test_nonsense_settings_are_refused(bad):
    with pytest.raises(ValueError):
        EstimatedTravel(**bad)


def test_settings_choose_the_provider(settings):
    settings.SAFEREACH_TRAVEL = {"PROVIDER": "estimate", "DETOUR_FACTOR": 1.4}
    assert travel_provider() == EstimatedTravel(detour_factor=1.4)

    settings.SAFEREACH_TRAVEL = {"PROVIDER": "osrm", "OSRM_URL": "http://osrm.internal:5000"}
    provider = travel_provider()
    assert isinstance(provider, OsrmTravel)
    assert provider.url == "http://osrm.internal:5000"

    settings.SAFEREACH_TRAVEL = {"PROVIDER": "google"}
    with pytest.raises(ValueError, match="google"):
        travel_provider()
