"""The referral tests use the injunction tests' fixtures (the adjudication's people, the API, a Flow helper)."""

from tests.adjudication.conftest import adj_body, people  # noqa: F401
from tests.injunction.conftest import child_of, flow  # noqa: F401
