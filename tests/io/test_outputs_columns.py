"""The output-folder column sidecar (io/outputs.py: Column, write_csv, COLUMNS_FILE)."""

from __future__ import annotations

import csv
import math

import pytest

from mtjspice.errors import ParameterError
from mtjspice.io.outputs import COLUMNS_FILE, Column, write_csv


def test_described_columns_land_in_the_sidecar_once_per_file(tmp_path):
    write_csv(tmp_path / "a.csv", (Column("t", "s", "time"), Column("i", "A", "current")), [(1e-9, 2e-3)])
    write_csv(tmp_path / "b.csv", (Column("rate", "Hz", "spike rate"),), [(1.5e8,)])
    rows = list(csv.reader((tmp_path / COLUMNS_FILE).read_text(encoding="utf-8").splitlines()))
    assert rows == [["file", "column", "unit", "description"], ["a.csv", "t", "s", "time"],
                    ["a.csv", "i", "A", "current"], ["b.csv", "rate", "Hz", "spike rate"]]


def test_nan_is_written_as_an_empty_cell(tmp_path):
    write_csv(tmp_path / "a.csv", ("x", "y"), [(math.nan, 1.0)])
    assert (tmp_path / "a.csv").read_text(encoding="utf-8").splitlines() == ["x,y", ",1"]
    assert not (tmp_path / COLUMNS_FILE).exists()  # plain-string headers describe nothing


@pytest.mark.parametrize(("name", "description"), [("", "x"), ("a,b", "x"), ("a", "")])
def test_a_column_without_a_name_or_description_is_refused(name, description):
    with pytest.raises(ParameterError):
        Column(name, "1", description)
