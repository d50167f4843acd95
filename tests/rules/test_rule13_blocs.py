import numpy as np
from numpy.testing import assert_allclose, assert_array_equal

from model.rules import (
    blocs,
)


def test_bloc_means_with_empty_bloc():
    out = blocs.bloc_means(np.array([0.2, 0.4, 0.9, 0.5, 0.3]), np.array([0, 0, 2, 2, 3]), 4)
    # bloc 0: (0.2 + 0.4)/2; bloc 1 empty: NaN; bloc 2: (0.9 + 0.5)/2; bloc 3: 0.3
    assert np.isnan(out[1])
    assert_allclose(out, [0.3, np.nan, 0.7, 0.3])


def test_sanction_compliance_logistic():
    out = blocs.sanction_compliance(
        legitimacy_adversary=np.array([0.6, 0.5, 0.5]),
        legitimacy_negotiator=np.array([0.4, 0.5, 0.5]),
        scepticism=np.array([0.5, 0.0, 0.0]),
        exposure=np.array([0.2, 0.0, 0.0]),
        intercept=0.0,
        legitimacy_weight=2.0,
        scepticism_weight=1.0,
        exposure_weight=1.0,
    )
    # logit 0 + 2*0.2 - 0.5 + 0.2 = 0.1 -> 1/(1 + e^-0.1) = 1/1.904837 = 0.524979; logit 0 -> 0.5
    assert_allclose(out[:2], [0.524979, 0.5], atol=1e-6)
    shifted = blocs.sanction_compliance(
        np.array([0.5]),
        np.array([0.5]),
        np.array([0.0]),
        np.array([0.0]),
        np.log(3.0),
        2.0,
        1.0,
        1.0,
    )
    # logit ln 3 -> 3/4
    assert_allclose(shifted, [0.75])


def test_vote_yes_threshold():
    out = blocs.vote_yes(
        np.array([0.3, 0.3, 0.25, 0.5]),
        np.array([0.5, 0.4, 0.5, 0.25]),
        np.array([0.4, 0.5, 0.5, 0.5]),
        0.25,
    )
    # 0.3 + 0.1 = 0.4 > 0.25 yes; 0.3 - 0.1 = 0.2 no; 0.25 exactly: no (strict); 0.25: no
    assert_array_equal(out, [True, False, False, False])


def test_bloc_sizes_by_largest_remainder():
    assert_array_equal(blocs.bloc_sizes(np.array([0.3, 0.25, 0.3, 0.15]), 10), [3, 3, 3, 1])
    assert blocs.bloc_sizes(np.array([0.5, 0.5]), 7).sum() == 7


def test_weighted_mean_uses_every_bloc():
    assert_allclose(blocs.weighted_mean(np.array([0.2, 0.6]), np.array([1.0, 3.0])), 0.5)


def test_a_bloc_without_elites_votes_by_all_its_observers():
    yes = np.array([True, False, True, True, False])
    elite = np.array([True, False, False, False, False])
    bloc = np.array([0, 0, 1, 1, 1])
    # bloc 0: its one elite votes yes; bloc 1 has no elite: 2 of its 3 observers
    assert_allclose(blocs.vote_share_by_bloc(yes, elite, bloc, 2), [1.0, 2 / 3])
