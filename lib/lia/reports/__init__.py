"""Reports: render an assessment into signed-ready evidence, sign it, verify it, say whether it is current.

The modules, in the order of the flow (each imports only modules above it):

* :mod:`~lia.reports.provenance` what a report is built from (digests of every input) and
  whether those inputs are still current (``stale_reasons``);
* :mod:`~lia.reports.folders` where reports live (``reports/<id>/v<N>[-r<k>]``);
* :mod:`~lia.reports.dsse`, :mod:`~lia.reports.statement`, :mod:`~lia.reports.keys`,
  :mod:`~lia.reports.keylog`, :mod:`~lia.reports.signing` the in-toto statement, keys, the
  workspace's key log, DSSE signatures and verification;
* :mod:`~lia.reports.status` which reports are current, stale, superseded or broken;
* :mod:`~lia.reports.htmlkit`, :mod:`~lia.reports.html` the report's sections as HTML from the
  Jinja2 templates in ``templates/html/report/`` (the report notebook calls these);
* :mod:`~lia.reports.exporter` the executed notebook made reproducible and converted to HTML;
* :mod:`~lia.reports.pdf` printing to PDF with the system Chromium;
* :mod:`~lia.reports.changes` what changed since the last signed report;
* :mod:`~lia.reports.engine` the ``lia-warm`` papermill engine (warm kernels);
* :mod:`~lia.reports.render` the orchestration: ``render`` and ``render_many``.

Provenance sits below both rendering and signing, so neither imports the other.
Nothing heavy is imported here.
"""
