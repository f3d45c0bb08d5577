"""Makes spyne 2.14 (its newest release, 2020) import and run on Python 3.12 and later, and
import quietly under ``-W error``. Imported before spyne wherever spyne is imported
(``mockserver.soap`` does it for the whole SOAP layer).

- ``spyne.util.six`` is a copy of six 1.14, whose import hook for ``six.moves`` has only
  ``find_module``/``load_module``. Python 3.12 removed that fallback of the import system, so
  ``spyne.util.six.moves`` cannot be imported; 3.10 and 3.11 still fall back, with an
  ImportWarning. We load spyne's copy before spyne and give its hook the three methods six 1.16
  added (``find_spec``, ``create_module``, ``exec_module``). It can go when spyne ships six >= 1.16.
- spyne imports ``cgi``, which Python 3.13 removed: the ``legacy-cgi`` distribution (a
  dependency for Python >= 3.13 in pyproject.toml) provides it. On 3.11 and 3.12 importing
  ``cgi`` warns that it is deprecated. It can go when spyne stops importing cgi.
- spyne's modules are imported once here with warnings silenced (``cgi``'s DeprecationWarning,
  invalid escape sequences in spyne's source when it is compiled), so that a user's
  ``pytest -W error`` does not fail on code that is not theirs.
"""
from __future__ import annotations

import importlib
import importlib.util
import sys
import warnings

SPYNE_SIX = "spyne.util.six"
SPYNE_MODULES = ("spyne", "spyne.protocol.soap", "spyne.server.wsgi", "spyne.model.complex")


def _find_spec(self, fullname, path=None, target=None):
    if fullname in self.known_modules:
        return importlib.util.spec_from_loader(fullname, self)
    return None


def _create_module(self, spec):
    return self.load_module(spec.name)


def _exec_module(self, module):
    """load_module has already run it."""


def _patch_six():
    if SPYNE_SIX in sys.modules:
        six = sys.modules[SPYNE_SIX]
    else:
        # Loaded by file, before the spyne package (whose __init__ already needs six.moves).
        package = importlib.util.find_spec("spyne")
        location = package.submodule_search_locations[0] + "/util/six.py"
        spec = importlib.util.spec_from_file_location(SPYNE_SIX, location)
        six = importlib.util.module_from_spec(spec)
        sys.modules[SPYNE_SIX] = six
        spec.loader.exec_module(six)
    hook = type(six._importer)
    if not hasattr(hook, "find_spec"):
        hook.find_spec, hook.create_module, hook.exec_module = _find_spec, _create_module, _exec_module


with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    _patch_six()
    for _name in SPYNE_MODULES:
        importlib.import_module(_name)
