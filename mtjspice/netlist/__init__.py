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

from .array import ArrayCircuit
from .circuit import Comment, Element, Instance, Model, Probe, Subckt
from .compact import CompactMTJ, CompactNoise, compact_subckt
from .comparators import behavioral_comparator, cmos_comparator
from .deck import Analysis, Deck, render_deck
from .libfile import library_text
from .mtj import MtjSet, mtj_subckt, mtj_subckts
from .neuroncircuit import NeuronCircuit
from .noise import ThermalNoise
from .render import render_item, render_subckt
from .testbench import mtj_testbench

#: The parts: circuit objects, the MTJ, compact and comparator subcircuits, the neuron's and the
#: array's circuit descriptions, the deck and its renderer.
__all__ = [
    "Element", "Instance", "Model", "Subckt", "Comment", "Probe", "Analysis", "Deck", "render_deck", "render_item",
    "render_subckt", "mtj_subckt", "mtj_subckts", "MtjSet", "ThermalNoise", "CompactMTJ", "CompactNoise",
    "compact_subckt", "behavioral_comparator", "cmos_comparator", "NeuronCircuit", "ArrayCircuit", "mtj_testbench",
    "library_text",
]
