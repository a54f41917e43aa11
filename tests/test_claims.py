"""The sweep of the course's stochastic claims, and the saved sweep that the notebooks rest on."""

import json

import pytest

from course_tools import NOTEBOOKS_DIR
from course_tools.claims import (
    ARITHMETICS,
    CLAIMS,
    EXPERIMENTS,
    Claim,
    newest_sweep,
    seeds_for,
    summarise,
)


def _notebook_code(number):
    (path,) = NOTEBOOKS_DIR.glob(f"{number}_*.ipynb")
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


@pytest.mark.parametrize("claim", CLAIMS, ids=lambda claim: f"{claim.notebook}-{claim.value}")
def test_every_claim_is_asserted_in_its_notebook(claim):
    assert claim.source in _notebook_code(claim.notebook), (
        f"notebook {claim.notebook} no longer asserts {claim.source!r}: change the claim in "
        "course_tools.claims with it, and run the sweep again"
    )
    assert claim.experiment in EXPERIMENTS and claim.op in (">", "<")


def test_a_summary_counts_the_seeds_where_a_claim_holds_and_its_smallest_margin():
    measured = {
        "01_memory": {
            seed: {
                "demo_lag": 1.0,
                "shortest_lag": 1.0,
                "longest_lag": longest,
                "longest_lag_retrained": longest,
                "longest_lag_ignores": 1.0,
                "longest_lag_follows": 0.0,
                "longest_lag_against": 0.0,
                "longest_lag_pair_accuracy": 0.5,
            }
            for seed, longest in enumerate((0.5, 0.85, 0.6))
        }
    }
    (row,) = [r for r in summarise(measured, "quick", "default") if r["value"] == "longest_lag"]
    assert (row["seeds"], row["held"], row["asserted"]) == (3, 2, True)
    assert (row["min"], row["median"], row["max"]) == (0.5, 0.6, 0.85)
    assert row["smallest_margin"] == pytest.approx(-0.05)
    above = Claim("01", "01_memory", "x", ">", 0.9, "")
    assert above.holds(0.95) and not above.holds(0.9) and above.margin(0.95) == pytest.approx(0.05)


def test_the_saved_sweep_measured_every_claim_in_every_mode_and_arithmetic():
    rows = newest_sweep()["claims"]
    for claim in CLAIMS:
        for mode in claim.modes:
            for arithmetic in ARITHMETICS:
                found = [
                    r
                    for r in rows
                    if (r["notebook"], r["value"], r["mode"], r["arithmetic"], r["asserted"])
                    == (claim.notebook, claim.value, mode, arithmetic, True)
                ]
                assert found, f"the sweep did not measure {claim.value} ({mode}, {arithmetic})"
                (row,) = found
                assert (row["op"], row["threshold"], row["source"]) == (
                    claim.op,
                    claim.threshold,
                    claim.source,
                ), f"{claim.value}: the claim changed since the sweep; run it again"
                assert row["seeds"] >= seeds_for(claim.experiment, mode), (
                    f"{claim.value}: too few seeds in {mode} mode"
                )


def test_every_claim_held_for_every_seed_of_the_saved_sweep():
    failed = [
        f"{r['notebook']} {r['value']} ({r['mode']}, {r['arithmetic']}): {r['held']} of "
        f"{r['seeds']} seeds, min {r['min']:.3g} max {r['max']:.3g}, {r['op']} {r['threshold']:g}"
        for r in newest_sweep()["claims"]
        if r["asserted"] and r["held"] < r["seeds"]
    ]
    assert not failed, "claims that do not hold for every seed:\n" + "\n".join(failed)


def test_a_claim_measured_again_replaces_its_rows_and_the_others_stay(tmp_path):
    from course_tools.claims import _merged

    output = tmp_path / "claims.json"
    old = [
        dict(notebook="01", value="longest_lag", mode="quick", arithmetic="default", held=1),
        dict(notebook="01", value="demo_lag", mode="quick", arithmetic="default", held=1),
    ]
    output.write_text(json.dumps({"runs": [{"command": "first"}], "claims": old}))
    new = [dict(notebook="01", value="longest_lag", mode="quick", arithmetic="default", held=2)]
    merged = _merged(output, {"command": "second"}, new)
    assert [r["command"] for r in merged["runs"]] == ["first", "second"]
    assert sorted((r["value"], r["held"]) for r in merged["claims"]) == [
        ("demo_lag", 1),
        ("longest_lag", 2),
    ]


def test_only_experiments_with_a_claim_asserted_in_the_mode_run_and_imdb_gets_fewer_seeds():
    from course_tools.claims import experiments_in

    assert "04_course_model" not in experiments_in("quick", EXPERIMENTS)
    assert "04_course_model" in experiments_in("full", EXPERIMENTS)
    assert seeds_for("04_imdb", "full") == 3 and seeds_for("01_memory", "full") == 5
    assert seeds_for("04_imdb", "quick") == 20


def test_a_sweep_judged_again_uses_todays_thresholds_and_drops_claims_that_are_gone():
    from course_tools.claims import rejudged

    old = dict(
        notebook="01",
        value="longest_lag",
        mode="quick",
        arithmetic="default",
        threshold=0.5,
        held=0,
        values=[0.55, 0.6],
    )
    gone = dict(old, value="a_claim_no_longer_made")
    (row,) = rejudged({"runs": [], "claims": [old, gone]})["claims"]
    assert (row["threshold"], row["held"], row["seeds"]) == (0.8, 2, 2)
