"""Reading results: analysis over one frame, one module per report section, and renderers.

- ``format``: text of numbers, durations and sizes (no pandas, no rich); ``cells``: the
  neutral ``Table`` of ``Cell`` and the section names.
- ``frame`` (combine the runs' rows, order sizes and series), ``analysis`` (speedups,
  gradient ratios, crossovers), ``scaling`` (growth exponents), ``grid`` (the per-report
  context and the series × column grid every table and figure shares).
- ``sections/``: one module per report section returning its tables and figures;
  ``correctness`` renders check.json for every output; ``canvas`` styles the sections'
  figures; ``tables`` assembles all sections.
- The presentation layer, shared with ``explain``: ``figures`` (the ``Plot`` record,
  matplotlib's setup, legends, PNG + SVG files) and ``page`` (the one stylesheet and HTML
  page builder).
- Renderers: ``render`` (terminal tables and Markdown), ``html_report`` (report.html on
  ``page``), ``console`` (the rich consoles and the terminal views of ``list``, ``check``
  and the sweep summary).
- ``files`` (report.md, report.html and plots/ on disk) and ``compare`` (two runs side by
  side), which the ``report`` and ``compare`` commands in ``benchmarks.cli`` call.

May import ``check``, ``store`` and ``impls``; never ``cli``, ``explain`` or ``measure``.
"""
