"""The demo county is deterministic: a seed names one county, byte for byte."""

from safereach.demo.county import DEFAULT_SEED, generate


def test_same_seed_gives_identical_checksums_and_rows(county):
    again = generate(DEFAULT_SEED)
    assert again.checksums() == county.checksums()
    assert again.areas == county.areas
    assert again.schools == county.schools
    assert again.incidents[::997] == county.incidents[::997]
    assert again.officers == county.officers


def test_a_different_seed_gives_a_different_county(county):
    other = generate(DEFAULT_SEED + 1)
    differing = {kind for kind, digest in other.checksums().items()
                 if county.checksums()[kind] != digest}
    assert differing == set(county.checksums())
    assert [s["easting"] for s in other.schools] != [s["easting"] for s in county.schools]


def test_checksums_are_sha256_of_the_rows_written(county):
    from safereach.demo.county import checksum

    for dataset in county.datasets.values():
        assert len(dataset["checksum"]) == 64
        int(dataset["checksum"], 16)
    assert county.datasets["schools"]["checksum"] == checksum(county.schools)
    police = [r for r in county.incidents if r["source"] == "police"]
    assert county.datasets["crime"]["checksum"] == checksum(police)
