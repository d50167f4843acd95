import numpy as np
from numpy.testing import assert_allclose, assert_array_equal

from model.rules import (
    peers,
)


def test_neighbour_table_pads_with_self_and_normalises_elite_weights():
    table, cumulative = peers.neighbour_table(INDPTR, INDICES, IS_ELITE, 3.0)
    # node 0: neighbours [1 (elite, weight 3), 2 (weight 1)] -> cumulative [3/4, 4/4]
    assert_array_equal(table.T, [[1, 2], [0, 1], [0, 2], [3, 3]])
    assert_allclose(cumulative[:, 0], [0.75, 1.0])
    assert_allclose(cumulative[:, 1], [1.0, np.inf])
    assert_allclose(cumulative[:, 3], [np.inf, np.inf])


INDPTR = np.array([0, 2, 3, 4, 4], dtype=np.int64)


INDICES = np.array([1, 2, 0, 0], dtype=np.int64)


IS_ELITE = np.array([False, True, False, False])


def _draw(indptr, indices, is_elite, uniforms, influence=3.0):
    table, cumulative = peers.neighbour_table(indptr, indices, is_elite, influence)
    return peers.draw_neighbours(table, cumulative, np.asarray(uniforms, dtype=float))


def test_draw_neighbours_maps_uniforms_with_elite_weights():
    # node 0: elite 1 takes u < 0.75, node 2 takes [0.75, 1)
    cases = [(0.0, 1), (0.5, 1), (0.74, 1), (0.76, 2), (0.999, 2)]
    for u, expected in cases:
        out = _draw(INDPTR, INDICES, IS_ELITE, [u, 0.5, 0.5, 0.5])
        # node 1's only neighbour is 0, node 2's only neighbour is 0, node 3 draws itself
        assert_array_equal(out, [expected, 0, 0, 3])


def test_draw_neighbours_frequency_of_elite():
    uniforms = (np.arange(1000) + 0.5) / 1000
    drawn = np.array([_draw(INDPTR, INDICES, IS_ELITE, [u, u, u, u])[0] for u in uniforms])
    # u < 0.75 -> elite 1: exactly 750 of the 1000 midpoints
    assert np.sum(drawn == 1) == 750
    assert np.sum(drawn == 2) == 250


def test_draw_neighbours_isolated_first_node_draws_itself():
    indptr = np.array([0, 0, 1, 2], dtype=np.int64)
    indices = np.array([2, 1], dtype=np.int64)
    for u in (0.0, 0.3, 0.99):
        out = _draw(indptr, indices, np.zeros(3, bool), np.full(3, u))
        assert_array_equal(out, [0, 2, 1])


def test_draw_neighbours_graph_without_edges_draws_self():
    indptr = np.array([0, 0, 0], dtype=np.int64)
    indices = np.array([], dtype=np.int64)
    out = _draw(indptr, indices, np.zeros(2, bool), [0.3, 0.6])
    assert_array_equal(out, [0, 1])


def test_deffuant_update_bounded_confidence():
    legit = np.full(4, 0.5)
    neighbour = np.array([0.625, 0.75, 0.875, 0.375])
    out = peers.deffuant_update(legit, neighbour, np.full(4, 0.25), 0.5)
    # d = 0.125 < 0.25: 0.5 + 0.0625; d = 0.25 at the bound: no change; d = 0.375: none;
    # d = -0.125: 0.5 - 0.0625
    assert_allclose(out, [0.5625, 0.5, 0.5, 0.4375])
    # per-observer bound: the second observer with bound 0.3 accepts d = 0.25: 0.5 + 0.125
    out2 = peers.deffuant_update(legit, neighbour, np.array([0.25, 0.3, 0.25, 0.25]), 0.5)
    assert_allclose(out2, [0.5625, 0.625, 0.5, 0.4375])


def test_hegselmann_krause_update_path_graph():
    # path 0 - 1 - 2
    indptr = np.array([0, 1, 3, 4], dtype=np.int64)
    indices = np.array([1, 0, 2, 1], dtype=np.int64)
    legit = np.array([0.2, 0.4, 0.9])
    out = peers.hegselmann_krause_update(legit, indptr, indices, np.full(3, 0.25), 0.5)
    # node 0: mean(0.2, 0.4) = 0.3 -> 0.2 + 0.5*0.1 = 0.25
    # node 1: node 2 is 0.5 away (out); mean(0.4, 0.2) = 0.3 -> 0.4 - 0.05 = 0.35
    # node 2: nobody close -> 0.9
    assert_allclose(out, [0.25, 0.35, 0.9])
    # node 2 with a wide bound 0.6 sees node 1: mean(0.9, 0.4) = 0.65 -> 0.9 - 0.125 = 0.775
    out2 = peers.hegselmann_krause_update(legit, indptr, indices, np.array([0.25, 0.25, 0.6]), 0.5)
    assert_allclose(out2, [0.25, 0.35, 0.775])


def test_hegselmann_krause_full_rate_reaches_local_mean():
    # triangle, everyone within bound, rate 1 -> everyone at the mean 0.4
    indptr = np.array([0, 2, 4, 6], dtype=np.int64)
    indices = np.array([1, 2, 0, 2, 0, 1], dtype=np.int64)
    out = peers.hegselmann_krause_update(
        np.array([0.3, 0.4, 0.5]), indptr, indices, np.full(3, 0.5), 1.0
    )
    assert_allclose(out, [0.4, 0.4, 0.4])


def test_log_odds_round_trip():
    from model.rules import logodds

    p = np.array([1e-6, 0.2, 0.5, 0.9])
    assert_allclose(logodds.to_probability(logodds.to_logodds(p)), p)
    assert_allclose(logodds.to_logodds(np.array([0.5])), 0.0)
