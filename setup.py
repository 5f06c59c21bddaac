"""Build mapping only (the project's metadata is in pyproject.toml): the top-level ``models/`` folder,
the one copy of the shipped device files and SPICE libraries, installs as the package data
``mtjspice/models/``, which :func:`mtjspice.params.shipped_path` reads in an installed wheel (in a
source checkout it reads ``models/`` itself)."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["mtjspice", "mtjspice.*"]), "mtjspice.models"],
    package_dir={"mtjspice.models": "models"},
)
