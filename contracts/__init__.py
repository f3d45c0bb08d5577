"""The qacmock contract kit: a pytest suite that runs unchanged against qacmock and against
a real QAComplete ``psws.asmx``, so the mock can be proven (and kept) truthful.

Run it with ``qacmock contracts run --url URL [pytest args]`` or
``pytest -p contracts.plugin contracts/tests --qac-url URL ...``; see README.
"""
