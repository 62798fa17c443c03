"""``updatebench explain``: the update rule's derivation, computed on a problem.

Pure computation in float64 NumPy (``calculus``, ``taylor``, ``descent``, ``worked``) over an
``impls.problem.Problem`` and the implementations' boundary methods; figures (``figures``),
terminal text (``text``) and an HTML section (``html``) render the result. May import impls
and the report's presentation layer (figures, page); nothing imports it but the CLI and
report.command (for the section report.html embeds).
"""
