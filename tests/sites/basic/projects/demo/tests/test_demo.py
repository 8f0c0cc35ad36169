def test_sum():
    assert sum(range(10)) == 45
