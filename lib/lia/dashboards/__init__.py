"""What the portfolio and the signed report viewer show, computed without any widget.

``portfolio`` collects every assessment (cached by digests, ``cache``), ``viewer`` opens and
verifies one report, ``sources`` is the only module that calls the reasoning and the report
verification, ``demo`` makes synthetic assessments for tests and benchmarks. The pages
themselves (layout, header, language, charts) are in :mod:`lia.pages`.
"""

from __future__ import annotations
