from tests.tiering.support import metrics  # noqa: F401 - the test-only metrics fixture
