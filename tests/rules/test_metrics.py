import numpy as np
from numpy.testing import assert_allclose

from model.metrics import narrative_share, polarization


def test_narrative_share():
    # positives 0.1, 0.3, 0.05 out of 5 (a zero gap does not count)
    assert_allclose(narrative_share(np.array([0.1, -0.2, 0.0, 0.3, 0.05])), 0.6)
    assert narrative_share(np.array([-0.1, 0.0])) == 0.0


def test_polarization_consensus_is_zero():
    assert polarization(np.full(10, 0.3)) == 0.0
    assert polarization(np.full(7, -1.0)) == 0.0


def test_polarization_even_split_at_extremes():
    gap = np.array([-1.0] * 5 + [1.0] * 5)
    # bins centred -0.95 and 0.95: 2 * 2 * (0.5^2 * 0.5 * 1.9) = 0.95
    assert_allclose(polarization(gap), 0.95)


def test_polarization_uneven_and_adjacent_bins():
    gap = np.array([-1.0] * 3 + [1.0])
    # 2 * (0.75^2 * 0.25 + 0.25^2 * 0.75) * 1.9 = 2 * 0.1875 * 1.9 = 0.7125
    assert_allclose(polarization(gap), 0.7125)
    near = np.array([-0.025, 0.025])
    # centres -0.05 and 0.05: 2 * 2 * (0.25 * 0.5 * 0.1) = 0.05
    assert_allclose(polarization(near), 0.05)


# ---------------------------------------------------------------------------------------------
# Network
# ---------------------------------------------------------------------------------------------


def _edge_set(indptr, indices):
    owner = np.repeat(np.arange(indptr.size - 1), np.diff(indptr))
    return sorted(zip(owner.tolist(), indices.tolist(), strict=True))


def test_bimodality_of_two_camps_exceeds_five_ninths_and_of_one_does_not():
    from model.metrics import bimodality

    rng = np.random.default_rng(1)
    two = np.concatenate([rng.normal(-0.5, 0.05, 500), rng.normal(0.5, 0.05, 500)])
    one = rng.normal(0.0, 0.2, 1000)
    assert bimodality(two) > 5 / 9 > bimodality(one)
    assert np.isnan(bimodality(np.zeros(10)))
    assert np.isnan(bimodality(np.array([1.0, 2.0])))


def test_bimodality_matches_scipy_moments():
    from scipy import stats

    from model.metrics import bimodality

    x = np.random.default_rng(2).beta(2, 5, 300)
    n = x.size
    g = stats.skew(x, bias=False)
    k = stats.kurtosis(x, bias=False)
    assert_allclose(bimodality(x), (g**2 + 1) / (k + 3 * (n - 1) ** 2 / ((n - 2) * (n - 3))))
