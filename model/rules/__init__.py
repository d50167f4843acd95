"""The model's rules as small pure functions over numpy arrays and numbers.

Each function is one rule (or part of one) of MODEL_SPEC, in its numbering; the ODD's submodel
names are these function names. Side-indexed arrays have index 0 for the negotiator and 1 for
the adversary; observer arrays have one entry per observer.
"""
