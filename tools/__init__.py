"""Tools that keep the product honest but are not part of it.

`tools.golden` stores and checks the golden outputs; `tools.model_card` measures the source
essay's claims for docs/MODEL_CARD.md; `tools.reference` is the docked reference
implementation of the observer rules, one Mesa agent per observer. The tests and benchmarks
use them; the command line, the batch and the dashboard never do.
"""
