"""Running the demo again replaces the demo rows and leaves real data alone."""

from django.forms.models import model_to_dict

from safereach.accounts.models import Agency, User
from safereach.areas.models import Area
from safereach.evidence.models import AreaRate, Dataset, Deprivation, Incident, Notice, Place
from safereach.governance.models import SharingAgreement
from safereach.schools.models import School
from safereach.workforce.models import Officer, Station

MODELS = [Agency, User, Area, Dataset, Deprivation, Incident, Notice, Place, School, Officer,
          Station, AreaRate, SharingAgreement]


def _counts():
    return {m.__name__: m.objects.count() for m in MODELS}


def test_rerun_leaves_the_same_counts_and_real_rows_untouched(run_demo):
    real = Dataset.objects.create(kind="schools", name="GIAS extract", source_file="edubase.csv",
                                  row_count=1, checksum="0" * 64)
    school = School.objects.create(urn=100001, name="Real Road Primary School", phase="Primary",
                                   easting=569550, northing=208482, dataset=real)
    area = Area.objects.create(code="E01021237", name="Basildon 001A", level="lsoa", vintage=2011)
    before_school, before_area = model_to_dict(school), model_to_dict(area)

    first_output = run_demo()
    first = _counts()
    run_demo()
    assert _counts() == first
    assert School.objects.filter(is_fictional=False).count() == 1
    assert model_to_dict(School.objects.get(pk=school.pk)) == before_school
    assert model_to_dict(Area.objects.get(pk=area.pk)) == before_area
    assert Dataset.objects.filter(pk=real.pk).exists()
    assert first["School"] == 1 + School.objects.filter(is_fictional=True).count()
    assert "350 LSOAs" in first_output and "Demo sign-ins" in first_output


def test_every_demo_row_is_marked_fictional(run_demo):
    run_demo()
    for model in (Agency, Area, School, Station, Officer, Dataset):
        assert not model.objects.filter(is_fictional=False).exists(), model
    for dataset in Dataset.objects.all():
        assert dataset.name.startswith("Fictional demo county: ")
        assert dataset.publisher == "SafeReach demo generator"
        assert dataset.licence == "Fictional data, no licence needed"
        # The council marks its vulnerable places (children's homes among them) sensitive.
        assert dataset.classification == ("OFFICIAL-SENSITIVE" if dataset.kind in {"places", "notices"}
                                          else "OFFICIAL")
    assert all("(fictional)" in a.name for a in Agency.objects.all())
    counted = {d.kind: d.row_count for d in Dataset.objects.all()}
    assert counted["crime"] == Incident.objects.filter(source="police").count()
    assert counted["fire-incidents"] == Incident.objects.filter(source="fire").count()
    assert counted["schools"] == School.objects.count()
    assert counted["boundaries"] == Area.objects.count()
    assert counted["area-rates"] == AreaRate.objects.count() == Area.objects.filter(level="lsoa").count()


def test_another_seed_replaces_the_county(run_demo):
    run_demo()
    first = set(Dataset.objects.values_list("checksum", flat=True))
    run_demo("--seed", "7")
    second = set(Dataset.objects.values_list("checksum", flat=True))
    assert first.isdisjoint(second)
    assert Dataset.objects.count() == 9


def test_leftovers_of_an_older_demo_are_removed(run_demo):
    run_demo()
    ward = Area.objects.filter(is_fictional=True, level="ward").first()
    old = Area.objects.create(code="X01999999", name="Gone 999Z", level="lsoa", vintage=2011,
                              parent=ward, is_fictional=True)
    School.objects.create(urn=999_999_9, name="Old demo school", is_fictional=True, lsoa=old)
    lsoa_ids = set(Area.objects.filter(level="lsoa").values_list("id", flat=True)) - {old.pk}
    run_demo()
    assert not Area.objects.filter(code="X01999999").exists()
    assert not School.objects.filter(urn=999_999_9).exists()
    # The areas the new county still has keep their ids: links to them stay good.
    assert set(Area.objects.filter(level="lsoa").values_list("id", flat=True)) == lsoa_ids


def test_clearing_the_demo_leaves_only_real_data(run_demo):
    from safereach.demo.build import clear_demo

    real = School.objects.create(urn=100002, name="Real Lane Academy")
    run_demo()
    clear_demo()
    assert list(School.objects.all()) == [real]
    for model in MODELS:
        if model is not School:
            assert model.objects.count() == 0, model
