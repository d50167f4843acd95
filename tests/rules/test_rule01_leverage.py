from numpy.testing import assert_allclose

from model.rules import leverage


def test_leverage_gain_hill_function():
    gain = leverage.leverage_gain([0.0, 0.2, 0.4, 0.8], leverage_half=0.4)
    # 0; 0.04 / (0.04 + 0.16) = 0.2; 0.16 / 0.32 = 0.5; 0.64 / (0.64 + 0.16) = 0.8
    assert_allclose(gain, [0.0, 0.2, 0.5, 0.8])


def test_update_face():
    face = leverage.update_face([0.0, 0.5, 1.0], [1.0, 0.0, 1.0], memory=0.8)
    # 0.8*0 + 0.2*1 = 0.2; 0.8*0.5 + 0 = 0.4; 0.8*1 + 0.2*1 = 1.0
    assert_allclose(face, [0.2, 0.4, 1.0])


def test_face_weight():
    assert_allclose(leverage.face_weight([0.0, 0.5, 1.0], face_penalty=0.8), [1.0, 0.6, 0.2])


def test_record_credit_concede_engage_other():
    assert leverage.record_credit(True, False, 1.0, 0.2) == 1.0
    assert leverage.record_credit(False, True, 1.0, 0.2) == 0.2
    assert leverage.record_credit(False, False, 1.0, 0.2) == 0.0


def test_update_record():
    record = leverage.update_record([0.0, 0.5, 0.2], [1.0, 0.2, 0.0], memory=0.99)
    # 0 + 0.01*1 = 0.01; 0.495 + 0.002 = 0.497; 0.198 + 0 = 0.198
    assert_allclose(record, [0.01, 0.497, 0.198])


def test_record_of_plain_engagement_stays_at_its_start():
    record = 0.2
    for _ in range(50):
        record = float(leverage.update_record(record, 0.2, memory=0.99))
    assert_allclose(record, 0.2)
