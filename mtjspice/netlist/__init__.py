"""Pure string builders for ngspice netlists. Nothing here writes files or runs ngspice.

Every name and value that reaches a netlist passes :mod:`mtjspice.netlist.safe`: names are
plain identifiers, values finite numbers, so no parameter can add a line, a control block or a
shell command to a deck.
"""
