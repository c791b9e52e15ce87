"""Every located row written lies inside the stored polygon of the LSOA it is linked to."""

import numpy as np
import shapely

from safereach.areas.models import Area
from safereach.evidence.models import Incident, Notice, Place
from safereach.schools.models import School
from safereach.workforce.models import Station


def test_schools_incidents_places_and_stations_lie_in_their_lsoa(run_demo):
    run_demo()
    polygons = {pk: shapely.from_geojson(g) for pk, g in
                Area.objects.filter(level="lsoa").values_list("id", "geometry")}
    for model in (School, Incident, Place, Notice, Station):
        rows = list(model.objects.values_list("lsoa_id", "lon", "lat"))
        assert rows, model
        assert all(r[0] is not None for r in rows), model
        inside = shapely.contains_xy(np.array([polygons[r[0]] for r in rows]),
                                     [r[1] for r in rows], [r[2] for r in rows])
        assert inside.all(), (model, int((~inside).sum()))
