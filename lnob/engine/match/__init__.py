"""Job matching: candidates, an exact household-first assignment, and the reasons for each outcome.

    instance   -> candidates.generate -> candidates.prune -> flow.solve -> reasons.explain

See docs/matching.md for the construction and the measured figures.
"""
