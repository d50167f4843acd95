import numpy as np
from numpy.testing import assert_array_equal

from agents.strategies import DecisionContext
from model.network import small_world


def test_small_world_ring_without_rewiring():
    indptr, indices = small_world(10, 4, 0.0, np.random.default_rng(0))
    assert indptr.size == 11
    assert_array_equal(np.diff(indptr), np.full(10, 4))
    assert_array_equal(indices[indptr[0] : indptr[1]], [1, 2, 8, 9])
    assert_array_equal(indices[indptr[5] : indptr[6]], [3, 4, 6, 7])
    edges = _edge_set(indptr, indices)
    assert edges == sorted((b, a) for a, b in edges)
    assert all(a != b for a, b in edges)


def _edge_set(indptr, indices):
    owner = np.repeat(np.arange(indptr.size - 1), np.diff(indptr))
    return sorted(zip(owner.tolist(), indices.tolist(), strict=True))


def test_small_world_rewired_is_symmetric_without_self_loops():
    indptr, indices = small_world(30, 4, 0.3, np.random.default_rng(1))
    owner = np.repeat(np.arange(30), np.diff(indptr))
    assert not np.any(owner == indices)
    edges = _edge_set(indptr, indices)
    assert edges == sorted((b, a) for a, b in edges)
    # 30 nodes * 2 links each, stored both ways
    assert indices.size == 120
    for i in range(30):
        neighbours = indices[indptr[i] : indptr[i + 1]]
        assert np.all(np.diff(neighbours) >= 0)


def test_small_world_deterministic_for_seeded_generator():
    a = small_world(50, 6, 0.5, np.random.default_rng(7))
    b = small_world(50, 6, 0.5, np.random.default_rng(7))
    c = small_world(50, 6, 0.5, np.random.default_rng(8))
    assert_array_equal(a[0], b[0])
    assert_array_equal(a[1], b[1])
    assert not (np.array_equal(a[0], c[0]) and np.array_equal(a[1], c[1]))


# ---------------------------------------------------------------------------------------------
# Strategies
# ---------------------------------------------------------------------------------------------

ZERO_U = np.zeros(5)


def _ctx(step, other=None, own=None, uniform=0.5, utilities=ZERO_U):
    return DecisionContext(
        step=step, own_previous=own, other_previous=other, uniform=uniform, utilities=utilities
    )
