"""Reading what was simulated, and the device-level characterisation built on the solver.

Pure numpy on results: spikes and their statistics (:mod:`.spikes`, :mod:`.trials`,
:mod:`.stats`), energy by part (:mod:`.energy`, :mod:`.power`), an array's drive levels
(:mod:`.levels`), the signed LIF model and its fit to membrane traces (:mod:`.lif`, :mod:`.liffit`).
Runs the macrospin solver (layer below): the onset current and its hysteresis (:mod:`.onset`), the
device's LIF fit and its own spike trains (:mod:`.devicefit`, :mod:`.devicespikes`), the dimension
design window (:mod:`.window`, :mod:`.windowspec`) and the design comparison (:mod:`.compare`).
"""
