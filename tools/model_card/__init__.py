"""The model card's measurements: the essay's claims over seed ensembles, mapped and explained.

`python -m tools.model_card` writes the generated sections of docs/MODEL_CARD.md (`sections`):
the claims table (`claims_table`, measured by `measures` on the scenarios of `scenarios`), the
claim maps (`maps`, drawn by `mapping`), the Sobol drivers (`drivers`, over the design of
`sobol_design` and the effects of `effects`) and the pattern region (`pattern_region`).
"""
