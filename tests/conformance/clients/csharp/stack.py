"""Placeholder until the csharp client lands; replaced by its real declaration."""
from ...stacks import Stack, Need

STACK = Stack("csharp", ("1.1", "1.2"), (Need(lambda: False, "the csharp client is not written yet"),), None)
