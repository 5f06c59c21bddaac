"""Circuit runs: the neuron and the array from settings to decks to ngspice to typed results.

The neuron's settings and their resolution (:mod:`.settings`), the neuron and array runs
(:mod:`.neuron`, :mod:`.array`), the power sweep (:mod:`.power`), the MTJ-model and comparator
plug-ins with their registries (:mod:`.models`, :mod:`.comparators`), the compact model's
parameters (:mod:`.compact`), the breakdown check (:mod:`.breakdown`), run-cost estimates
(:mod:`.cost`) and the shipped SPICE libraries (:mod:`.library`).
"""
