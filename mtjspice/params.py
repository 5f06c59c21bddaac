"""Device parameters: the frozen dataclasses of :mod:`mtjspice.device` (re-exported here), loaded
from TOML files or by the name of a device shipped with the package.

Every quantity is a plain float in SI units; each field's unit is in its docstring. A device file
has the sections ``[geometry]``, ``[material]``, ``[junction]``, ``[initial]`` and an optional
``[field]``; the shipped ``orthogonal`` device (``models/orthogonal.toml``) is a commented
example with sources. A number may be written as a string with a SPICE suffix (``W = "10n"``,
``RA = "0.4p"``), as on the command line; note that ``m`` is milli and ``meg`` is mega, as in SPICE.
Shipped devices load by name: ``load_device("orthogonal")``; :func:`shipped_devices` lists them.
"""

from __future__ import annotations

import tomllib
from dataclasses import MISSING, fields
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from .device import LIMITS, PINNED_PRESETS, SECTIONS, SHAPES, Device, Field, Geometry, Initial, Junction, Material
from .errors import InputFileError, ParameterError
from .textio import read_text
from .units import UNIT_NAMES, parse_si
from .variation import VariationSpec

__all__ = [
    "load_variation",
    "EXTRA_SECTIONS",
    "Geometry", "Material", "Junction", "Initial", "Field", "Device",
    "load_device", "device_from_dict", "shipped_devices", "shipped_path", "PINNED_PRESETS", "LIMITS", "SHAPES",
]

#: The keys without a default; a section with none of them may be left out of a file.
_REQUIRED: dict[str, tuple[str, ...]] = {
    section: tuple(f.name for f in fields(cls) if f.default is MISSING and f.default_factory is MISSING)
    for section, cls in SECTIONS.items()
}


def _numbers_from_text(section: str, cls: type, table: dict[str, Any]) -> dict[str, Any]:
    """``table`` with every string given for a numeric field parsed as an SI number with an optional
    SPICE suffix (``"10n"`` -> 1e-8), errors naming ``section.key``. Strings of string fields (the
    shape) and string presets of vector fields (``pinned = "orthogonal"``) keep their meaning."""
    kinds = {f.name: str(f.type) for f in fields(cls)}
    # a field in a plain unit reads its text as that unit: "300K" for a temperature is refused, as on the command line
    units = {f.name: f.metadata.get("unit", "").lower() for f in fields(cls)}
    out = dict(table)
    for key, value in table.items():
        kind = kinds.get(key, "")
        name = f"{section}.{key}"
        if kind in ("float", "float | None") and isinstance(value, str):
            unit = units.get(key, "")
            out[key] = parse_si(value, name, unit if unit in UNIT_NAMES else None)
        elif kind.startswith("tuple[float") and isinstance(value, list):
            out[key] = tuple(parse_si(v, f"{name}[{i}]") if isinstance(v, str) else v for i, v in enumerate(value))
    return out


def device_from_dict(data: dict[str, Any], name: str = "device") -> Device:
    """Build a :class:`Device` from a nested dict as read from TOML.

    A number may be given as a string with a SPICE suffix (``"10n"``, ``"0.4p"``, ``"1meg"``), as on
    the command line.

    Raises
    ------
    ParameterError
        For an unknown or missing section or key, or a value outside its range; the message
        names ``section.key``, the value received and what is allowed.
    """
    if not isinstance(data, dict):
        raise ParameterError("data", data, "a table of sections")
    for section in data:
        if section in EXTRA_SECTIONS:
            continue
        if section not in SECTIONS:
            raise ParameterError(section, data[section], "a section among " + ", ".join(SECTIONS))
    parts: dict[str, Any] = {}
    for section, cls in SECTIONS.items():
        table = data.get(section)
        if table is None:
            if not _REQUIRED[section]:
                continue
            raise ParameterError(section, None, f"a [{section}] section with keys " + ", ".join(_REQUIRED[section]))
        if not isinstance(table, dict):
            raise ParameterError(section, table, f"a [{section}] table")
        known = {f.name for f in fields(cls)}
        for key in table:
            if key not in known:
                raise ParameterError(f"{section}.{key}", table[key], f"a key among {', '.join(sorted(known))}")
        for key in _REQUIRED[section]:
            if key not in table:
                raise ParameterError(f"{section}.{key}", None, f"a value for required key {section}.{key}")
        parts[section] = cls(**_numbers_from_text(section, cls, table))
    return Device(name=name, **parts)


def _shipped_folder() -> Traversable:
    """The folder of the shipped files: ``models/`` at the top of a source checkout (the one copy,
    what the repository holds), else the package data ``mtjspice/models/`` that the wheel installs
    from that same folder (setup.py maps it)."""
    checkout = Path(__file__).resolve().parent.parent / "models"
    if (checkout / "orthogonal.toml").is_file() and (checkout.parent / "pyproject.toml").is_file():
        return checkout
    return files(__package__ or "mtjspice") / "models"


_SHIPPED = _shipped_folder()


def shipped_devices() -> tuple[str, ...]:
    """Names of the device files shipped with mtjspice, for :func:`load_device` (``"orthogonal"``, ...)."""
    return tuple(sorted(f.name[: -len(".toml")] for f in _SHIPPED.iterdir() if f.name.endswith(".toml")))


def shipped_path(filename: str) -> Path:
    """Path of a shipped file in ``models/``: ``"orthogonal.toml"``, ``"ptm45hp.lib"``, ``"orthogonal.lib"``.

    Raises
    ------
    InputFileError
        If no such file was shipped (a broken installation).
    """
    resource = _SHIPPED / filename
    if not (isinstance(resource, Path) and resource.is_file()):  # not shipped, or the package is zipped
        raise InputFileError(f"models/{filename}", "missing from the installed package; reinstall mtjspice")
    return resource


def _shipped_name(path: str | Path) -> str | None:
    """The shipped device that ``path`` names (``"orthogonal"`` or ``"orthogonal.toml"``), else None."""
    text = str(path)
    stem = text[: -len(".toml")] if text.endswith(".toml") else text
    return stem if stem in shipped_devices() else None


#: Sections a device file may carry besides the device's own: read by other loaders.
EXTRA_SECTIONS = ("variation",)


def load_variation(path: str | Path) -> VariationSpec | None:
    """The ``[variation]`` table of a device file (or a shipped device), or None if it has none.

    See :mod:`mtjspice.variation` for the table's form; errors name the file."""
    p = Path(path)
    name = _shipped_name(path)
    if not p.is_file() and name is not None:
        p = shipped_path(f"{name}.toml")
    elif not p.is_file():
        raise InputFileError(p, "variation file: no such file")
    text = read_text(p, "variation file")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputFileError(p, f"not valid TOML: {exc}") from None
    table = data.get("variation")
    if table is None:
        return None
    if not isinstance(table, dict):
        raise ParameterError(f"{p}: variation", table, "a [variation] table")
    try:
        return VariationSpec.from_dict(table)
    except ParameterError as exc:
        raise type(exc)(f"{p}: {exc.name}", exc.value, exc.allowed) from None


def load_device(path: str | Path) -> Device:
    """Load a device from a TOML file, or a shipped device by name.

    Parameters
    ----------
    path : str or path
        A device file (UTF-8, with or without a byte-order mark), or the name of a shipped device
        (:func:`shipped_devices`: ``"orthogonal"``, the paper's design, and ``"parallel"``, the
        conventional baseline; ``"orthogonal.toml"`` works too). An existing file wins over a name.

    Raises
    ------
    InputFileError
        If the file cannot be read, is not UTF-8 or not valid TOML, or if ``path`` is neither a
        file nor a shipped device's name (the message lists the shipped names).
    ParameterError
        If a key is missing, unknown, or out of range.
    """
    p = Path(path)
    name = _shipped_name(path)
    if not p.is_file() and name is not None:
        p = shipped_path(f"{name}.toml")
    elif not p.exists():
        shipped = ", ".join(shipped_devices())
        hint = f" (did you mean '{p.stem}'?)" if p.stem in shipped_devices() else ""
        raise InputFileError(p, f"device file: no such file, and not the name of a shipped device{hint}; "
                             f"shipped devices: {shipped}")
    text = read_text(p, "device file")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputFileError(p, f"not valid TOML: {exc}") from None
    try:
        return device_from_dict(data, name=p.stem)
    except ParameterError as exc:  # name the file as well as the key
        raise type(exc)(f"{p}: {exc.name}", exc.value, exc.allowed) from None
