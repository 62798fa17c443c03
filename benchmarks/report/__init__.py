"""Reading results: analysis over one frame, one module per report section, and renderers
(terminal, Markdown, HTML, plots); ``compare`` for two runs.

May import ``check``, ``store`` and ``impls``; never ``cli`` or ``measure``'s workers.
"""
