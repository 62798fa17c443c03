"""One module per report section, in the order the report shows them.

Each has ``tables(grid) -> list[Table]`` and, where the section has figures,
``figures(grid, canvas) -> list[Plot]``; ``benchmarks.report.contents`` assembles them. A
section reads the shared ``Grid`` (frame, analyses, groups, series) and formats with
``report.format``; it never renders (that is ``render`` and ``html_report``).
"""
