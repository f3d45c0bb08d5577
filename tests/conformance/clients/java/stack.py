"""Placeholder until the java client lands; replaced by its real declaration."""
from ...stacks import Stack, Need

STACK = Stack("java", ("1.1", "1.2"), (Need(lambda: False, "the java client is not written yet"),), None)
