"""The results folder of a batch: its layout, its record, writing it safely, reading it back.

`open_results` reads a folder back (`experiments.store.reader`); the batch writes it through
`ResultsStore` (`experiments.store.writer`); `Manifest` is the record both share.
"""

from experiments.store.layout import KEY_COLUMNS, RUN_COLUMNS, ResultsError, ResultsWarning
from experiments.store.manifest import MANIFEST_FORMAT, Manifest
from experiments.store.reader import Results, open_results
from experiments.store.writer import ChunkOutput, ResultsStore

__all__ = [
    "KEY_COLUMNS",
    "MANIFEST_FORMAT",
    "RUN_COLUMNS",
    "ChunkOutput",
    "Manifest",
    "Results",
    "ResultsError",
    "ResultsStore",
    "ResultsWarning",
    "open_results",
]
