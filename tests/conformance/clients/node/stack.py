"""Placeholder until the node client lands; replaced by its real declaration."""
from ...stacks import Stack, Need

STACK = Stack("node", ("1.1", "1.2"), (Need(lambda: False, "the node client is not written yet"),), None)
