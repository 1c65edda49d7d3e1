"""Scenario files: schema checks, extends, and application to the mini corridor."""

from __future__ import annotations

import textwrap

import pytest

from corridor import ScenarioError
from corridor.graph import graph_from_network
from corridor.routing import find_routes
from corridor.scenario import apply_scenario, builtin_scenarios, geodesic_km, load_scenario, scenario_graphs


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


FULL = """
    name = "full"
    sources = ["test"]
    year = 2031
    baseline_year = 2024
    profile = "passenger"
    pairs = [["cq_west", "qinzhou_port"]]
    open_links = ["new_hsr"]
    remove_links = ["border"]
    close_hubs = ["cq_port"]

    [params.passenger]
    terminal_h = { hsr = 0.25 }

    [[add_hubs]]
    id = "huaihua_south"
    name = "Huaihua South"
    kind = "rail_station"
    lon = 109.96
    lat = 27.50
    city = "huaihua"

    [[add_links]]
    id = "yuhuai_hsr"
    mode = "hsr"
    from_hub = "cq_west"
    to_hub = "huaihua_south"
    via = [[108.5, 28.6]]
    speed_kmh = 300
    detour = 1.2

    [[change_links]]
    id = "jiaoliu"
    speed_kmh = 160

    [[published]]
    origin = "cq_west"
    destination = "qinzhou_port"
    hours = 6.0
    case = "after"
    source = "made up"
"""


def test_apply_full_scenario(mini_network, tmp_path):
    scenario = load_scenario(write(tmp_path, "full.toml", FULL))
    applied = apply_scenario(mini_network, scenario)
    network, params, year = applied
    assert year == 2031 and applied.baseline_year == 2024
    assert params.value("passenger", "terminal_h", "hsr") == 0.25
    assert applied.added_hubs == ["huaihua_south"]
    assert applied.added_links == ["yuhuai_hsr"]
    assert applied.changed_links == ["jiaoliu", "new_hsr"]
    assert applied.opened_links == ["new_hsr"]
    assert applied.removed_links == ["border"]
    assert applied.closed_hubs == ["cq_port"] and applied.closed_links == ["port_link"]
    assert "cq_port" not in network.hubs.index and "port_link" not in network.links.index
    assert network.hubs.at["huaihua_south", "country"] == "CN"  # from its city
    assert network.links.at["jiaoliu", "speed_kmh"] == 160
    assert network.links.at["new_hsr", "status"] == "open"
    added = network.links.loc["yuhuai_hsr"]
    assert added["length_basis"] == "measured" and not added["freight"] and added["passenger"]
    measured = geodesic_km([(106.44, 29.5), (108.5, 28.6), (109.96, 27.50)])
    assert 400 < measured < 420  # cq_west via the waypoint to Huaihua South, on the ellipsoid
    assert added["length_km"] == pytest.approx(1.2 * measured, abs=0.05)
    # the baseline is untouched
    assert "border" in mini_network.links.index and mini_network.links.at["jiaoliu", "speed_kmh"] == 120
    assert "yuhuai_hsr" in applied.entering_service and "new_hsr" in applied.entering_service
    assert "border" in applied.leaving_service
    graph = graph_from_network(network, profile="passenger", year=year, params=params)
    route = find_routes(graph, "cq_west", "huaihua_south")[0]
    assert route.modes == ["hsr"]



def test_scenario_graphs_are_the_baseline_and_the_changed_network(mini_network, round_params, tmp_path):
    applied = apply_scenario(mini_network, load_scenario(write(tmp_path, "full.toml", FULL)), params=round_params)
    before, after = scenario_graphs(mini_network, applied, profile="passenger", modes=["hsr", "rail"], params=round_params)
    assert (before.graph["year"], after.graph["year"]) == (2024, 2031)
    assert before.graph["profile"] == after.graph["profile"] == "passenger"
    assert set(before.graph["modes"]) == set(after.graph["modes"]) == {"hsr", "rail"}
    assert "huaihua_south" in after.graph["hub_nodes"] and "huaihua_south" not in before.graph["hub_nodes"]
    assert "cq_port" in before.graph["hub_nodes"] and "cq_port" not in after.graph["hub_nodes"]
    # the scenario's terminal time applies after only: boarding HSR takes 0.25 h, not round.toml's 0.5 h
    boarding = {
        side: next(d["travel_time"] for _, _, d in graph.edges(data=True) if d["edge_type"] == "board" and d["mode"] == "hsr")
        for side, graph in (("before", before), ("after", after))
    }
    assert boarding["after"] == pytest.approx(0.25 * 3600)
    assert boarding["before"] == pytest.approx(0.5 * 3600)

def test_unknown_ids_in_network_leave_and_by_city(mini_network, tmp_path):
    path = write(tmp_path, "s.toml", """
        [[add_links]]
        id = "a"
        mode = "rail"
        from_hub = "cq_west"
        to_hub = "huaihua"
        length_km = 100
        speed_kmh = 100
    """)
    network, _, _ = apply_scenario(mini_network, load_scenario(path))
    assert network.links.at["a", "length_basis"] == "published"
    assert network.links.at["a", "length_km"] == 100
    assert network.links.at["a", "freight"]


def test_extends_merges_parent_first(mini_network, tmp_path):
    write(tmp_path, "base.toml", """
        year = 2025
        sources = ["base source"]
        remove_links = ["border"]
        pairs = [["chongqing", "hanoi"]]
    """)
    child = load_scenario(write(tmp_path, "child.toml", """
        extends = "base.toml"
        year = 2030
        sources = ["child source"]
        pairs = [["chongqing", "singapore"]]
    """))
    assert child.year == 2030
    assert child.sources == ["base source", "child source"]
    assert [(p.data["origin"], p.data["destination"]) for p in child.pairs] == [("chongqing", "hanoi"), ("chongqing", "singapore")]
    assert [e.data["id"] for e in child.remove_links] == ["border"]
    assert len(child.files) == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[[add_links]]\nid = "x"\nmode = "rail"\nfrom_hub = "cq_west"\nto_hub = "nowhere"\nspeed_kmh = 100\n',
         "add_links[1] 'x' field 'to_hub': unknown hub 'nowhere'"),
        ('[[add_links]]\nid = "x"\nmode = "rail"\nfrom_hub = "cq_west"\nto_hub = "huaihua"\n',
         "add_links[1] 'x' field 'speed_kmh': missing"),
        ('[[add_links]]\nid = "x"\nmode = "rail"\nfrom_hub = "cq_west"\nto_hub = "huaihua"\nspeed_kmh = "fast"\n',
         "add_links[1] 'x' field 'speed_kmh': expected number, got str 'fast'"),
        ('[[add_links]]\nid = "x"\nmode = "rail"\nfrom_hub = "cq_west"\nto_hub = "cq_west"\nspeed_kmh = 100\n',
         "add_links[1] 'x' field 'to_hub': a link cannot join hub 'cq_west' to itself"),
        ('[[add_links]]\nid = "x"\nmode = "maglev"\nfrom_hub = "cq_west"\nto_hub = "huaihua"\nspeed_kmh = 100\n',
         "add_links[1] 'x' field 'mode': unknown value 'maglev'"),
        ('[[add_links]]\nid = "yuhuai"\nmode = "rail"\nfrom_hub = "cq_west"\nto_hub = "huaihua"\nspeed_kmh = 100\n',
         "add_links[1] 'yuhuai' field 'id': link 'yuhuai' already exists"),
        ('[[add_links]]\nid = "x"\nmode = "hsr"\nfrom_hub = "cq_west"\nto_hub = "huaihua"\nspeed_kmh = 300\nfreight = true\n',
         "add_links[1] 'x' field 'freight': high-speed rail carries no freight"),
        ('[[add_hubs]]\nid = "h"\nname = "H"\nkind = "city"\nlon = 100.0\nlat = 20.0\n',
         "add_hubs[1] 'h' field 'country': missing"),
        ('[[add_hubs]]\nid = "h"\nname = "H"\nkind = "village"\nlon = 100.0\nlat = 20.0\ncountry = "CN"\n',
         "add_hubs[1] 'h' field 'kind': unknown value 'village'"),
        ('[[change_links]]\nid = "jiaoliu"\nspeed_kmh = -5\n', "change_links[1] 'jiaoliu' field 'speed_kmh': -5 is not a positive number"),
        ('[[change_links]]\nid = "nope"\nspeed_kmh = 100\n', "change_links[1] 'nope' field 'id': unknown link 'nope'"),
        ('[[change_links]]\nid = "jiaoliu"\nsped_kmh = 100\n', "change_links[1] 'jiaoliu': unknown field 'sped_kmh' (did you mean 'speed_kmh'?)"),
        ('remove_hubs = ["atlantis"]\n', "remove_hubs[1] 'atlantis' field 'id': unknown hub 'atlantis'"),
        ('yeer = 2030\n', "unknown field 'yeer' (did you mean 'year'?)"),
        ('year = "2030"\n', "field 'year': expected whole number"),
        ('baseline_year = "2026"\n', "field 'baseline_year': expected whole number"),
        ('baseline_year = 3026\n', "field 'baseline_year': 3026 is not a year"),
        ('year = 2026\nbaseline_year = 2030\n', "field 'baseline_year': 2030 is after the scenario's year 2026"),
        ('profile = "tourist"\n', "field 'profile': unknown profile 'tourist'"),
        ('pairs = [["chongqing"]]\n', "pairs[1]: must be [origin, destination]"),
        ('pairs = [["chongqing", "gotham"]]\n', "pairs[1] field 'destination': unknown hub 'gotham'"),
        ('[params.passenger]\nterminal_h = { hsr = -1 }\n', "parameter 'passenger.terminal_h.hsr' must be a non-negative finite number"),
        ('[params.passenger]\nwarp = 1\n', "parameter 'passenger.warp' is unknown"),
        ('[[published]]\norigin = "chongqing"\ndestination = "hanoi"\nhours = 7\nsource = "x"\ncase = "during"\n',
         "published[1] field 'case': unknown value 'during'"),
        ('this is = not toml', "not valid TOML"),
    ],
)
def test_bad_scenarios_fail_with_one_line(mini_network, tmp_path, text, expected):
    path = write(tmp_path, "bad.toml", text)
    with pytest.raises(ScenarioError) as info:
        apply_scenario(mini_network, load_scenario(path))
    message = str(info.value)
    assert message.startswith(str(path)), message
    assert expected in message, message
    assert "\n" not in message


def test_extends_cycles_are_errors(tmp_path):
    path = write(tmp_path, "self.toml", 'extends = "self.toml"\n')
    with pytest.raises(ScenarioError, match="cycle self.toml -> self.toml"):
        load_scenario(path)
    write(tmp_path, "a.toml", 'extends = "b.toml"\n')
    write(tmp_path, "b.toml", 'extends = "a.toml"\n')
    with pytest.raises(ScenarioError, match="cycle a.toml -> b.toml -> a.toml"):
        load_scenario(tmp_path / "a.toml")
    with pytest.raises(ScenarioError, match="no such file"):
        load_scenario(write(tmp_path, "orphan.toml", 'extends = "missing.toml"\n'))


def test_missing_file_lists_builtins(tmp_path):
    with pytest.raises(ScenarioError, match="no such scenario file"):
        load_scenario(tmp_path / "nothing.toml")


@pytest.mark.parametrize("path", builtin_scenarios(), ids=lambda p: p.stem)
def test_builtin_scenarios_apply_to_builtin_network(builtin_network, path):
    scenario = load_scenario(path)
    assert scenario.sources, f"{path.name} must list its sources"
    applied = apply_scenario(builtin_network, scenario)
    assert applied.entering_service or applied.changed_links or applied.added_links


def test_builtin_found_by_name():
    if not builtin_scenarios():
        pytest.skip("no built-in scenarios")
    name = builtin_scenarios()[0].stem
    assert load_scenario(name).path.stem == name


def test_baseline_year_after_year_through_extends(tmp_path):
    write(tmp_path, "base.toml", "baseline_year = 2030\n")
    with pytest.raises(ScenarioError, match="'baseline_year': 2030 is after the scenario's year 2026"):
        load_scenario(write(tmp_path, "child.toml", 'extends = "base.toml"\nyear = 2026\n'))


ISOLATED = """
    year = 2031
    {baseline}
    [[add_links]]
    id = "yuhuai_hsr"
    mode = "hsr"
    from_hub = "cq_west"
    to_hub = "huaihua"
    speed_kmh = 300
"""


def test_same_baseline_year_isolates_the_scenarios_own_changes(mini_network, tmp_path):
    # new_hsr is under construction, expected 2030: in service in 2031 whether or not the scenario adds anything.
    against_today = apply_scenario(mini_network, load_scenario(write(tmp_path, "a.toml", ISOLATED.format(baseline=""))))
    assert set(against_today.entering_service) == {"yuhuai_hsr", "new_hsr"}
    isolated = apply_scenario(mini_network, load_scenario(write(tmp_path, "b.toml", ISOLATED.format(baseline="baseline_year = 2031"))))
    assert isolated.baseline_year == isolated.year == 2031
    assert isolated.entering_service == ["yuhuai_hsr"]


def test_chongqingdong_isolates_the_lines_it_opens(builtin_network):
    """Same year before and after: only the lines the file opens through Chongqing East enter service."""
    applied = apply_scenario(builtin_network, load_scenario("chongqingdong"))
    assert applied.baseline_year == applied.year
    assert applied.opened_links
    assert sorted(applied.entering_service) == sorted(applied.opened_links)
    assert applied.leaving_service == []
