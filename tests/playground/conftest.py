import pytest


@pytest.fixture(autouse=True)
def _redis(redis_server: str) -> str:
    """Every web-layer test may touch the channel layer or the broker: Redis is up for them."""
    return redis_server
