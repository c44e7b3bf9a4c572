import pytest

from tests.reviews.helpers import call_handler


@pytest.fixture
def cath(people):
    """A second call handler in Force A: Carol's feedback is none of her business."""
    return call_handler("cath", people.force_a)
