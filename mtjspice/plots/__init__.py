"""Figures, one module per command (neuron, array, power, window, Monte Carlo, design, network, ...).

matplotlib is imported inside the functions (through :mod:`.base`), never when the package loads.
"""
