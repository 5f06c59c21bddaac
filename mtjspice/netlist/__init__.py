"""Circuits as data and the one renderer that writes them as ngspice text.

Builders return frozen objects (:mod:`.circuit`: elements, models, subcircuits; :mod:`.deck`: the
runnable deck), never text: the MTJ subcircuits (macrospin :mod:`.mtj`, :mod:`.compact`, thermal
noise :mod:`.noise`), the neuron and array circuits, comparators, DACs, clamps and sources, and
the exported SPICE libraries. :mod:`.render` turns them into text. Nothing here writes files or
runs ngspice.

Every name and value that reaches a netlist passes :mod:`mtjspice.netlist.safe`: names are
plain identifiers, values finite numbers, so no parameter can add a line, a control block or a
shell command to a deck.
"""
