"""The contract suite that runs against qacmock and against a real QAComplete (issue 5).

Not written yet: this package only reserves the name so that the design card's layout holds.
"""
