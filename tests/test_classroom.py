"""The classroom tools: nbgitpuller links, a server sized from measurements, the shared folder."""

import urllib.parse

import pytest

from course_tools import classroom
from lesson_utils.models.store import saved_model_record

COSTS = {
    "benchmark": "notebooks_2999-01-01.json",
    "peak_memory_mib": 1000,
    "cpu_cores": 1.5,
    "heaviest": {"memory": "05_x", "cpu": "04_y"},
    "environment_gib": 3.0,
    "learner_mib": 10.0,
    "server_mib": 100,
    "load_tests": ["load_test_2999-01-01_01_quick_8.json"],
}


def test_each_notebook_gets_a_link_that_pulls_the_course_and_opens_it():
    found = classroom.links("https://hub.example.edu/", "https://github.com/o/course")
    assert [name for name, _ in found][:2] == ["01_rnn_loop.ipynb", "02_vanishing_gradients.ipynb"]
    name, url = found[0]
    base, query = url.split("?")
    assert base == "https://hub.example.edu/hub/user-redirect/git-pull"
    assert urllib.parse.parse_qs(query) == {
        "repo": ["https://github.com/o/course"],
        "branch": ["main"],
        "urlpath": ["lab/tree/course/notebooks/01_rnn_loop.ipynb"],
    }


def test_a_hub_that_is_not_an_address_is_named(capsys):
    assert classroom.main(["links", "--hub", "hub.example.edu"]) == 2
    assert "hub='hub.example.edu'" in capsys.readouterr().err


def test_size_follows_tljhs_rules_from_the_measured_costs():
    result = classroom.size(100, COSTS, node_memory_gib=16)
    assert result["online"] == 60
    # (60 learners x (1000 MiB for the kernel + 100 for the server) + 128 MiB for the hub),
    # with 30 % headroom.
    assert result["memory_gib"] == round((60 * 1100 + 128) * 1.3 / 1024, 1)
    assert result["cpus"] == 108  # 60 x 1.5 cores, plus 20 %
    assert result["disk_gib"] == round((3.0 + 100 * 10 / 1024) * 1.2, 1)
    assert result["nodes"] == 5  # 13 learners per node of 16 GiB (90 % of it for pods)
    text = " ".join(result["assumptions"])
    for named in ("60%", "1,000 MiB", "05_x", "100 MiB", "01_quick_8", "128 MiB", "04_y"):
        assert named in text
    assert "oversubscribed" in text and "90%" in text


def test_size_grows_with_the_class_and_refuses_what_makes_no_sense():
    small, large = classroom.size(30, COSTS), classroom.size(300, COSTS)
    assert small["memory_gib"] < large["memory_gib"] and small["cpus"] < large["cpus"]
    assert small["nodes"] is None
    with pytest.raises(ValueError, match="learners"):
        classroom.size(0, COSTS)
    with pytest.raises(ValueError, match="cannot hold one learner"):
        classroom.size(30, COSTS, node_memory_gib=0.5)


def test_size_reads_the_saved_benchmark(capsys):
    assert classroom.main(["size", "--learners", "30"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("A class of 30, 18 online at once:") and "Assumptions:" in out
    costs = classroom.measured_costs()
    assert 0 < costs["peak_memory_mib"] < 4096 and 0 < costs["cpu_cores"] <= 8


def test_fill_writes_the_cache_and_the_full_models_a_class_reads(fake_imdb, tmp_path):
    shared = tmp_path / "shared"
    written = classroom.fill(shared, source=fake_imdb)
    names = sorted(path.relative_to(shared).as_posix() for path in written)
    assert names[1:] == ["models/imdb_gru.keras", "models/imdb_lstm.keras"]
    assert names[0].startswith("cache/imdb_") and names[0].endswith(".npz")
    record = saved_model_record(shared / "models" / "imdb_lstm.keras")
    assert record["settings"]["mode"] == "full" and record["settings"]["cell"] == "lstm"
