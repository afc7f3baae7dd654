"""The suite's workers (`make test`: pytest -n 2) each on a Redis database of its own (tests/xdist_redis.py)."""

from tests.xdist_redis import worker_redis_url


def test_each_worker_counts_down_from_the_database_given():
    assert worker_redis_url("redis://127.0.0.1:6379/15", "gw0") == "redis://127.0.0.1:6379/15"
    assert worker_redis_url("redis://127.0.0.1:6379/15", "gw1") == "redis://127.0.0.1:6379/14"
    assert worker_redis_url("redis://127.0.0.1:6379/0", "gw1") == "redis://127.0.0.1:6379/15"


def test_a_url_without_a_database_number_is_left_as_it_is():
    assert worker_redis_url("redis://127.0.0.1:6379", "gw1") == "redis://127.0.0.1:6379"
    assert worker_redis_url("redis://127.0.0.1:6379/15", "master") == "redis://127.0.0.1:6379/15"
