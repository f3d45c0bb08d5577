"""SQLite persistence. All SQL of the mock lives in this package."""
from .database import Store, StoreError

__all__ = ["Store", "StoreError"]
