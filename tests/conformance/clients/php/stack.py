"""Placeholder until the php client lands; replaced by its real declaration."""
from ...stacks import Stack, Need

STACK = Stack("php", ("1.1", "1.2"), (Need(lambda: False, "the php client is not written yet"),), None)
