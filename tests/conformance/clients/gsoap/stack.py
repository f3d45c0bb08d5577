"""Placeholder until the gsoap client lands; replaced by its real declaration."""
from ...stacks import Stack, Need

STACK = Stack("gsoap", ("1.1", "1.2"), (Need(lambda: False, "the gsoap client is not written yet"),), None)
