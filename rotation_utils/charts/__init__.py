"""Charts behind the reports, one module per subject, named like the analytics module
it draws for: a number is computed in ``rotation_utils/analytics/<subject>.py`` and the
chart that shows it is drawn in ``rotation_utils/charts/<subject>.py`` (breadth, earnings,
events, fomc, named_companies, rate_beta, rotation, sectors, tax_effects, valuation).
Chart functions take the frames the analytics functions return, draw them in the house style of
:mod:`rotation_utils.style` and return the figure (most also the axes) so the notebook
can add its footnote and show it; keeping matplotlib out of ``analytics`` leaves those
modules pure computation, testable without drawing anything.
"""
