"""Placeholder until the perl client lands; replaced by its real declaration."""
from ...stacks import Stack, Need

STACK = Stack("perl", ("1.1", "1.2"), (Need(lambda: False, "the perl client is not written yet"),), None)
