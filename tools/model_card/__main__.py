"""`python -m tools.model_card`: write the model card's generated sections."""

import sys

from tools.model_card.sections import main

sys.exit(main())
