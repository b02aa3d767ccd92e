"""Chapter 18's own fixtures: a private Redis Cluster (three nodes), as the root conftest.py
gives every test a private Redis and memcached."""
import pytest

from workbook import services


@pytest.fixture(scope="session")
def redis_cluster():
    """Three redis-server nodes in cluster mode, joined by redis-cli --cluster create."""
    with services.RedisCluster() as cluster:
        yield cluster


@pytest.fixture
def redis_cluster_url(redis_cluster):
    """"127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3", every node running and empty."""
    if not all(node.running for node in redis_cluster.nodes):  # a test killed one
        redis_cluster.start()
    redis_cluster.flush()
    return redis_cluster.url
