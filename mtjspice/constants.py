"""Physical constants in SI units (a leaf module: imports nothing from the package)."""

from __future__ import annotations

__all__ = ["MU0", "HBAR", "E_CHARGE", "KB", "GAMMA_E"]

#: Vacuum permeability (T m / A), CODATA 2018.
MU0 = 1.25663706212e-6
#: Reduced Planck constant (J s), exact SI.
HBAR = 1.054571817e-34
#: Elementary charge (C), exact SI.
E_CHARGE = 1.602176634e-19
#: Boltzmann constant (J/K), exact SI.
KB = 1.380649e-23
#: Electron gyromagnetic ratio magnitude (rad / (s T)), CODATA 2018.
GAMMA_E = 1.76085963023e11
