"""The portal tests file and follow cases as the adjudication tests' people do."""

from tests.adjudication.conftest import people  # noqa: F401 - a fixture, used by name
