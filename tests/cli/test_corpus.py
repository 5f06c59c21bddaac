"""A corpus of bad and hostile input for every command and every file reader.

Each case runs the command line in this process, as a user would type it, and demands:

* exit status 2 (bad input) or 1 (a run that failed), never a traceback;
* the error on one line, ``mtjspice COMMAND: error: ...``, naming what the user gave (the option,
  the file, the key), with no terminal control character;
* within its time bound (no case reaches a long simulation);
* an earlier result folder given as ``--out`` (with ``--overwrite``) unchanged, and no staging
  folder left behind.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mtjspice.cli import main
from mtjspice.io.outputs import MARKER, OutputDir

#: Seconds one case may take: every case must fail before any long work starts.
BOUND = 30.0

ORTHO = "orthogonal"
GOOD_DEVICE = """
[geometry]
W = 10e-9
L = 45e-9
T = 50e-9
[material]
Ms = 1.0e6
alpha = 0.01
[junction]
RA = 0.4e-12
TMR = 0.57
pinned = "orthogonal"
"""

#: Device files that must be refused: file name -> (bytes, fragment the error must hold).
BAD_DEVICES: dict[str, tuple[bytes, str]] = {
    "latin1.toml": (("# r\xe9sum\xe9\n" + GOOD_DEVICE).encode("latin-1"), "not UTF-8"),
    "binary.toml": (b"\x00\x01\x02[geometry]", "binary"),
    "syntax.toml": (b"[geometry]\nW = = 3\n", "TOML"),
    "alpha.toml": (GOOD_DEVICE.replace("alpha = 0.01", "alpha = 1.5").encode(), "alpha"),
    "km.toml": (GOOD_DEVICE.replace("L = 45e-9", "L = 1000.0").encode(), "geometry.L"),
    "tiny.toml": (GOOD_DEVICE.replace("W = 10e-9", "W = 1e-15").encode(), "geometry.W"),
    "p0.toml": (GOOD_DEVICE.replace("[junction]", "P = 0.0\n[junction]").encode(), "material.P"),
    "escape.toml": (GOOD_DEVICE.replace("[material]", '"bad\\u001b[2Jkey" = 1\n[material]').encode(), "\\x1b"),
    "nojunction.toml": (GOOD_DEVICE.split("[junction]")[0].encode(), "junction"),
    "wl.toml": (GOOD_DEVICE.replace("W = 10e-9", "W = 60e-9").encode(), "geometry.W"),
    "word.toml": (GOOD_DEVICE.replace("Ms = 1.0e6", 'Ms = "lots"').encode(), "material.Ms"),
    "ms.toml": (GOOD_DEVICE.replace("Ms = 1.0e6", "Ms = 1e9").encode(), "material.Ms"),
    "kelvin.toml": (GOOD_DEVICE.replace("alpha = 0.01", 'alpha = 0.01\ntemperature = "300K"').encode(),
                    "material.temperature: got '300K'; allowed: kelvin without a suffix"),
    "bom_bad.toml": (b"\xef\xbb\xbf" + GOOD_DEVICE.replace("TMR = 0.57", "TMR = -1").encode(), "junction.TMR"),
}
#: Device names that are neither files nor shipped devices.
MISSING_DEVICES = {"missing.toml": "missing.toml", "orthogonl": "orthogonl"}

#: Text files for the readers: name -> bytes.
FILES: dict[str, bytes] = {
    "w.csv": b"1.3m\n",
    "w22.csv": b"1.3m,-0.5m\n0.7m,-1.5m\n",
    "w_latin1.csv": "# poids \xe9\n1e-3\n".encode("latin-1"),
    "w_nan.csv": b"nan\n",
    "w_word.csv": b"abc\n",
    "w_shape.csv": b"1e-3,2e-3\n",
    "w_empty.csv": b"# nothing\n",
    "w_binary.csv": b"\x00\x00",
    "w_siemens.csv": b"1\n",
    "s.csv": b"t,input,sign\n1n,0,1\n",
    "s_header.csv": b"time,input,sign\n1n,0,1\n",
    "s_index.csv": b"t,input,sign\n1n,3,1\n",
    "s_sign.csv": b"t,input,sign\n1n,0,2\n",
    "s_neg.csv": b"t,input,sign\n-1n,0,1\n",
    "s_latin1.csv": "t,input,sign\n1n,0,1 # \xe9\n".encode("latin-1"),
    "s_cols.csv": b"t,input,sign\n1n,0\n",
    "s_word.csv": b"t,input,sign\nsoon,0,1\n",
    "pwl_latin1.csv": "t,I\n0,0 # \xe9\n1n,1m\n".encode("latin-1"),
    "pwl_binary.csv": b"\x00t,I\n",
    "pwl_order.csv": b"t,I\n0,0\n2n,1m\n1n,1m\n",
    "pwl_cols.csv": b"t,I\n0,0,0\n",
    "pwl_empty.csv": b"t,I\n",
    "pwl_word.csv": b"t,I\n0,0\n1n,lots\n",
    "pwl_neg.csv": b"t,I\n-1n,0\n1n,1m\n",
    "pwl_nan.csv": b"t,I\n0,nan\n",
    "a_file": b"not a folder\n",
    "lif_no_tau.json": b'{"params": {"a2": 0.5, "R_m": 1000}, "info": {"i_min": 1e-4, "i_max": 2e-3}}',
    "lif_huge.json": b'{"params": {"tau_m": 1' + b"0" * 400 + b', "a2": 0.5, "R_m": 1000}, '
                     b'"info": {"i_min": 1e-4, "i_max": 2e-3}}',
    "lif_info_huge.json": b'{"params": {"tau_m": 1e-9, "a2": 0.5, "R_m": 1000, "i_th": 4e-4}, '
                          b'"info": {"i_min": 1e-4, "i_max": 2' + b"0" * 400 + b"}}",
    "lif_word.json": b'{"params": {"tau_m": "1n", "a2": 0.5, "R_m": 1000}}',
    "lif_negative.json": b'{"params": {"tau_m": 1e-9, "a2": 0.5, "R_m": -1000}}',
    "lif_inf.json": b'{"params": {"tau_m": 1e400, "a2": 0.5, "R_m": 1000}}',
}

#: A design folder as `mtjspice design` writes best/ (its drive 0.539 mA behind a 0.473 V clamp).
B53S = str(Path(__file__).resolve().parents[1] / "data" / "design_b53s")
#: Cases of a drive given in A where mA was meant: refused before any work, by commands that have no
#: --allow-breakdown, so the line must not offer it.
DRIVE_IN_AMPS = ("mc-drive-amps", "wy-drive-amps", "v-drive-amps", "b-current-amps", "c-i-hi-amps", "p-i-th-amps")
REFUSED_DRIVE = "allowed: a drive that keeps the junction below 10 x its breakdown voltage"

ARRAY = ["--inputs", "1", "--neurons", "1", "--weights", "{d}/w.csv", "--spikes", "{d}/s.csv", "--t-stop", "5n"]
BASE: dict[str, list[str]] = {
    "macrospin": ["macrospin", "{dev}"],
    "fit": ["fit", "{dev}"],
    "compare": ["compare", "{dev}", "parallel"],
    "window": ["window", "{dev}", "--fix", "T", "--points", "2", "--quiet"],
    "neuron": ["neuron", "{dev}"],
    "array": ["array", "{dev}", *ARRAY, "--quiet"],
    "power": ["power", "{dev}", "--quiet"],
    "montecarlo": ["montecarlo", "{dev}", "--samples", "10", "--sigma", "L=1n", "--workers", "1", "--quiet"],
    "network": ["network", "{dev}", "--images", "2", "--circuit-images", "0", "--quiet"],
}


def _cases() -> Iterator[tuple[str, list[str], int, str]]:
    """(id, argv, exit status, fragment): ``{d}`` is the case folder, ``{dev}`` a device."""
    for cmd, base in BASE.items():
        for fname, (_, fragment) in BAD_DEVICES.items():
            argv = [a.replace("{dev}", "{d}/" + fname) for a in base]
            yield f"{cmd}-device-{fname}", argv, 2, fragment
        for fname, fragment in MISSING_DEVICES.items():
            yield f"{cmd}-device-{fname}", [a.replace("{dev}", fname) for a in base], 2, fragment
        yield f"{cmd}-device-folder", [a.replace("{dev}", "{d}") for a in base], 2, "not a regular file"
        yield f"{cmd}-device-escape-name", [a.replace("{dev}", "{d}/\x1b[31mred.toml") for a in base], 2, "\\x1b"

    def opt(cmd: str, *extra: str) -> list[str]:
        return [a.replace("{dev}", ORTHO) for a in BASE[cmd]] + list(extra)

    value_cases: list[tuple[str, list[str], int, str]] = [
        # macrospin: numbers, tolerances, seeds, choices, combinations, costs
        ("m-current-word", opt("macrospin", "--current", "abc"), 2, "--current"),
        ("m-current-overflow", opt("macrospin", "--current", "1e400"), 2, "--current"),
        ("m-current-escape", opt("macrospin", "--current", "\x1b[2J"), 2, "--current"),
        ("m-t-stop-zero", opt("macrospin", "--t-stop", "0"), 2, "--t-stop"),
        ("m-t-stop-negative", opt("macrospin", "--t-stop", "-1n"), 2, "--t-stop"),
        ("m-t-on-after-stop", opt("macrospin", "--t-on", "20n"), 2, "--t-on"),
        ("m-dt-zero", opt("macrospin", "--dt", "0"), 2, "--dt"),
        ("m-dt-after-stop", opt("macrospin", "--dt", "1u"), 2, "--dt"),
        # 45n parses to 4.5000000000000006e-08: the line shows the number as typed, not its round-off
        ("m-dt-45n", opt("macrospin", "--dt", "45n"), 2, "--dt: got 4.5e-08; allowed: a time <= --t-stop = 1e-08 s"),
        ("m-edge-word", opt("macrospin", "--edge", "soon"), 2, "--edge"),
        ("m-rtol-tiny", opt("macrospin", "--rtol", "1e-300"), 2, "--rtol"),
        ("m-rtol-zero", opt("macrospin", "--rtol", "0"), 2, "--rtol"),
        ("m-seed-negative", opt("macrospin", "--thermal", "--seed", "-1"), 2, "--seed"),
        ("m-seed-fraction", opt("macrospin", "--thermal", "--seed", "1.5"), 2, "--seed"),
        ("m-seed-huge", opt("macrospin", "--thermal", "--seed", str(2**70)), 2, "--seed"),
        ("m-engine", opt("macrospin", "--engine", "spectre"), 2, "--engine"),
        ("m-divider-missing", opt("macrospin", "--engine", "ngspice", "--drive", "divider"), 2, "--vdd"),
        ("m-divider-python", opt("macrospin", "--drive", "divider", "--vdd", "1", "--rref", "1k"), 2, "--drive"),
        ("m-vdd-alone", opt("macrospin", "--vdd", "1"), 2, "--vdd"),
        ("m-thermal-ngspice", opt("macrospin", "--thermal", "--engine", "ngspice"), 2, "--thermal"),
        ("m-preset", opt("macrospin", "--preset", "fast"), 2, "--preset"),
        ("m-cost-t-stop", opt("macrospin", "--t-stop", "1"), 2, "--t-stop"),
        ("m-cost-dt", opt("macrospin", "--dt", "1e-20"), 2, "--dt"),
        ("m-cost-thermal", opt("macrospin", "--thermal", "--t-stop", "1"), 2, "--t-stop"),
        ("m-cost-ngspice-dt", opt("macrospin", "--engine", "ngspice", "--dt", "1e-16"), 2, "--dt"),
        ("m-cost-ngspice-t-stop", opt("macrospin", "--engine", "ngspice", "--t-stop", "1", "--dt", "1n"), 2,
         "--t-stop"),
        ("m-unknown-option", opt("macrospin", "--curent", "1m"), 2, "--curent"),
        ("m-timeout-zero", opt("macrospin", "--timeout", "0"), 2, "--timeout"),
        # fit
        ("f-t-stop-tiny", opt("fit", "--t-stop", "1f"), 2, "--t-stop"),
        ("f-random-negative", opt("fit", "--random", "-1"), 2, "--random"),
        ("f-random-word", opt("fit", "--random", "many"), 2, "--random"),
        ("f-r2-above-one", opt("fit", "--r2-min", "2"), 2, "--r2-min"),
        ("f-u-th-zero", opt("fit", "--u-th", "0"), 2, "--u-th"),
        ("f-u-th-above-one", opt("fit", "--u-th", "2"), 2, "--u-th"),
        ("f-seed-negative", opt("fit", "--seed", "-1"), 2, "--seed"),
        # compare
        ("c-trains-zero", opt("compare", "--trains", "0"), 2, "--trains"),
        ("c-range-inverted", opt("compare", "--i-lo", "2m", "--i-hi", "1m"), 2, "--i-lo"),
        ("c-seed-negative", opt("compare", "--seed", "-1"), 2, "--seed"),
        ("c-t-stop-word", opt("compare", "--t-stop", "later"), 2, "--t-stop"),
        ("c-parallel-missing", ["compare", ORTHO, "{d}/nothing.toml"], 2, "nothing.toml"),
        ("c-parallel-latin1", ["compare", ORTHO, "{d}/latin1.toml"], 2, "latin1.toml"),
        # window
        ("w-points-zero", opt("window", "--points", "0"), 2, "--points"),
        ("w-points-word", opt("window", "--points", "ten"), 2, "--points"),
        ("w-cost-points", opt("window", "--points", "100000"), 2, "--points"),
        ("w-fix", ["window", ORTHO, "--fix", "Q"], 2, "--fix"),
        ("w-range-inverted", opt("window", "--W-range", "5n", "1n"), 2, "--W-range"),
        ("w-range-subatomic", opt("window", "--W-range", "1e-15", "2e-15"), 2, "--W-range"),
        ("w-chunk-zero", opt("window", "--chunk", "0"), 2, "--chunk"),
        ("w-workers-zero", opt("window", "--workers", "0"), 2, "--workers"),
        ("w-u-th-word", opt("window", "--u-th", "half"), 2, "--u-th"),
        ("w-J-negative", opt("window", "--J", "-1"), 2, "--J"),
        # neuron: inputs and PWL files
        ("n-input-dc-word", opt("neuron", "--input", "dc:abc"), 2, "--input"),
        ("n-input-pulse-short", opt("neuron", "--input", "pulse:1m"), 2, "--input"),
        ("n-input-step-negative", opt("neuron", "--input", "step:1m,-1n"), 2, "--input"),
        ("n-input-kind", opt("neuron", "--input", "sine:1m"), 2, "--input"),
        ("n-input-escape", opt("neuron", "--input", "dc:\x1b[2J"), 2, "--input"),
        ("n-clock-period-seconds", opt("neuron", "--clock-period", "1.5"), 2,  # 1.5n meant
         "--clock-period: got 1.5; allowed: a time > 0 and at most 1e-06 s (1 us)"),
        ("n-pwl-missing", opt("neuron", "--input", "pwl:{d}/none.csv"), 2, "none.csv"),
        ("n-pwl-latin1", opt("neuron", "--input", "pwl:{d}/pwl_latin1.csv"), 2, "pwl_latin1.csv"),
        ("n-pwl-binary", opt("neuron", "--input", "pwl:{d}/pwl_binary.csv"), 2, "pwl_binary.csv"),
        ("n-pwl-order", opt("neuron", "--input", "pwl:{d}/pwl_order.csv"), 2, "pwl_order.csv"),
        ("n-pwl-cols", opt("neuron", "--input", "pwl:{d}/pwl_cols.csv"), 2, "pwl_cols.csv"),
        ("n-pwl-empty", opt("neuron", "--input", "pwl:{d}/pwl_empty.csv"), 2, "pwl_empty.csv"),
        ("n-pwl-word", opt("neuron", "--input", "pwl:{d}/pwl_word.csv"), 2, "pwl_word.csv"),
        ("n-pwl-negative-time", opt("neuron", "--input", "pwl:{d}/pwl_neg.csv"), 2, "pwl_neg.csv"),
        ("n-pwl-nan", opt("neuron", "--input", "pwl:{d}/pwl_nan.csv"), 2, "pwl_nan.csv"),
        ("n-pwl-folder", opt("neuron", "--input", "pwl:{d}"), 2, "not a regular file"),
        # the junction model (--mtj, --lif-params)
        ("n-mtj-word", opt("neuron", "--mtj", "compcat"), 2, "--mtj"),
        ("n-lif-params-macrospin", opt("neuron", "--lif-params", "{d}/lif.json"), 2, "--lif-params"),
        ("n-lif-params-missing", opt("neuron", "--mtj", "compact", "--lif-params", "{d}/nolif.json"), 2, "nolif.json"),
        ("n-lif-params-binary", opt("neuron", "--mtj", "compact", "--lif-params", "{d}/pwl_binary.csv"), 2,
         "pwl_binary.csv"),
        # a parameter file is checked key by key: the file, the key and what is allowed, on one line
        ("n-lif-params-no-tau-m", opt("neuron", "--mtj", "compact", "--lif-params", "{d}/lif_no_tau.json"), 2,
         "lif_no_tau.json: params.tau_m is missing; allowed: a time > 0 (s)"),
        ("n-lif-params-huge", opt("neuron", "--mtj", "compact", "--lif-params", "{d}/lif_huge.json"), 2,
         "lif_huge.json: params.tau_m: got 1000"),
        ("n-lif-params-info-huge", opt("neuron", "--mtj", "compact", "--lif-params", "{d}/lif_info_huge.json"), 2,
         "lif_info_huge.json: info.i_max: got 2000"),
        ("n-lif-params-word", opt("neuron", "--mtj", "compact", "--lif-params", "{d}/lif_word.json"), 2,
         "lif_word.json: params.tau_m: got '1n'; allowed: a time > 0 (s)"),
        ("n-lif-params-negative", opt("neuron", "--mtj", "compact", "--lif-params", "{d}/lif_negative.json"), 2,
         "lif_negative.json: params.R_m: got -1000.0; allowed: a resistance > 0 (Ohm)"),
        ("n-lif-params-inf", opt("neuron", "--mtj", "compact", "--lif-params", "{d}/lif_inf.json"), 2,
         "lif_inf.json: params.tau_m: got inf"),
        ("a-lif-params-huge", ["array", ORTHO, *ARRAY, "--mtj", "compact", "--lif-params", "{d}/lif_huge.json"], 2,
         "lif_huge.json: params.tau_m"),
        ("net-lif-huge", opt("network", "--lif", "{d}/lif_huge.json"), 2, "lif_huge.json: params.tau_m"),
        ("net-lif-no-tau-m", opt("network", "--lif", "{d}/lif_no_tau.json"), 2, "lif_no_tau.json: params.tau_m"),
        # SPICE reads K as kilo: a temperature with a suffix letter is refused, not read as 300e3 K
        ("n-temperature-suffix", opt("neuron", "--temperature", "300K"), 2,
         "--temperature: got '300K'; allowed: kelvin without a suffix (300)"),
        ("a-temperature-suffix", ["array", ORTHO, *ARRAY, "--temperature", "300k"], 2, "kelvin without a suffix"),
        ("m-temperature-suffix", opt("macrospin", "--temperature", "77K"), 2, "kelvin without a suffix (77)"),
        ("net-temperature-suffix", opt("network", "--temperature", "300K"), 2, "kelvin without a suffix"),
        ("mc-temperature-suffix", opt("montecarlo", "--temperature", "4K"), 2, "kelvin without a suffix"),
        ("n-temperature-unit", opt("neuron", "--temperature", "300V"), 2, "a finite number of kelvin"),
        ("n-r-ref-capital-m", opt("neuron", "--r-ref", "1M"), 2, "--r-ref: got '1M'; allowed: a SPICE suffix that"),
        ("n-t-stop-unit", opt("neuron", "--t-stop", "100nA"), 2, "--t-stop: got '100nA'; allowed: a finite number of seconds"),
        # counts take suffixes and exponents, and must come out whole
        ("n-trials-fraction", opt("neuron", "--temperature", "300", "--trials", "2.5"), 2,
         "--trials: got '2.5'; allowed: a whole number"),
        ("mc-samples-fraction", _swap(opt("montecarlo"), "10", "1.2345k"), 2, "1.2345k is 1234.5, not whole"),
        ("mc-samples-huge-suffix", _swap(opt("montecarlo"), "10", "1g"), 2, "--samples: got '1g'"),
        ("a-inputs-milli", ["array", ORTHO, *ARRAY, "--inputs", "1m"], 2, "--inputs: got '1m'"),
        # a drive far past breakdown (a unit forgotten) is refused before the run
        ("n-input-amps", opt("neuron", "--input", "dc:0.6"), 2, "--input: got 'dc:0.6'; allowed: a drive that keeps"),
        ("n-input-pulse-amps", opt("neuron", "--input", "pulse:0.1,2n,2n"), 2, "--allow-breakdown"),
        ("n-i-reset-amps", opt("neuron", "--reset", "active", "--i-reset", "0.5"), 2, "--i-reset: got 0.5; allowed: a "
         "drive"),
        ("m-current-amps", opt("macrospin", "--current", "0.6"), 2, "--current: got 0.6; allowed: a drive"),
        ("m-current-amps-ngspice", opt("macrospin", "--engine", "ngspice", "--current", "-0.6"), 2, "--current"),
        ("m-vdd-kilovolt", opt("macrospin", "--engine", "ngspice", "--drive", "divider", "--vdd", "1k", "--rref", "1k"),
         2, "--vdd: got 1000.0"),
        ("a-weights-siemens", ["array", ORTHO, *_swap(ARRAY, "{d}/w.csv", "{d}/w_siemens.csv")], 2,
         "--weights: got"),
        ("n-fi-currents-amps", opt("neuron", "--fi", "--currents", "0.6m,-0.6"), 2, "--currents: got"),
        ("n-fi-currents-word", opt("neuron", "--fi", "--currents", "0.6m,lots"), 2, "--currents: got 'lots'"),
        ("n-fi-currents-alone", opt("neuron", "--currents", "0.6m"), 2, "--currents"),
        ("p-sizes-fraction", opt("power", "--sizes", "1,2.5"), 2, "--sizes: got '1,2.5'"),
        ("a-mtj-word", ["array", ORTHO, *ARRAY, "--mtj", "llg"], 2, "--mtj"),
        ("p-mtj-word", ["power", ORTHO, "--mtj", "1"], 2, "--mtj"),
        # neuron: settings
        ("n-clock-period-tiny", opt("neuron", "--clock-period", "1f"), 2, "--clock-period"),
        ("n-read-width-long", opt("neuron", "--read-width", "2n"), 2, "--read-width"),
        ("n-comparator", opt("neuron", "--comparator", "spice"), 2, "--comparator"),
        ("n-reset", opt("neuron", "--reset", "hard"), 2, "--reset"),
        ("n-thresholds-inverted", opt("neuron", "--v-hi", "0.1", "--v-lo", "0.2"), 2, "--v-lo"),
        ("n-u-th-above-one", opt("neuron", "--u-th", "2"), 2, "--u-th"),
        ("n-i-th-negative", opt("neuron", "--i-th", "-1m"), 2, "--i-th"),
        ("n-r-ref-zero", opt("neuron", "--r-ref", "0"), 2, "--r-ref"),
        ("n-t-stop-zero", opt("neuron", "--t-stop", "0"), 2, "--t-stop"),
        ("n-cost-t-stop", opt("neuron", "--t-stop", "1"), 2, "--t-stop"),
        ("n-cost-timeout", opt("neuron", "--t-stop", "2u", "--timeout", "5"), 2, "--timeout"),
        # temperature, seeds and trials
        ("n-temperature-negative", opt("neuron", "--temperature", "-1"), 2, "--temperature"),
        ("n-temperature-hot", opt("neuron", "--temperature", "2000"), 2, "--temperature"),
        ("n-temperature-word", opt("neuron", "--temperature", "warm"), 2, "--temperature"),
        ("n-seed-negative", opt("neuron", "--temperature", "300", "--seed", "-3"), 2, "--seed"),
        ("n-trials-zero", opt("neuron", "--temperature", "300", "--trials", "0"), 2, "--trials"),
        ("n-trials-cold", opt("neuron", "--trials", "3"), 2, "--trials"),
        ("n-cost-thermal", opt("neuron", "--temperature", "300", "--trials", "4", "--t-stop", "1m"), 2, "--t-stop"),
        ("m-temperature-hot", opt("macrospin", "--engine", "ngspice", "--temperature", "1e4"), 2, "--temperature"),
        ("a-temperature-hot", ["array", ORTHO, *ARRAY, "--temperature", "5000"], 2, "--temperature"),
        ("a-seed-word", ["array", ORTHO, *ARRAY, "--seed", "x"], 2, "--seed"),
        # array: files and options
        ("a-inputs-zero", ["array", ORTHO, *ARRAY, "--inputs", "0"], 2, "--inputs"),
        ("a-neurons-word", ["array", ORTHO, *ARRAY, "--neurons", "two"], 2, "--neurons"),
        ("a-weights-missing", ["array", ORTHO, *_swap(ARRAY, "{d}/w.csv", "{d}/nowhere.csv")], 2, "nowhere.csv"),
        ("a-weights-latin1", ["array", ORTHO, *_swap(ARRAY, "{d}/w.csv", "{d}/w_latin1.csv")], 2, "w_latin1.csv"),
        ("a-weights-nan", ["array", ORTHO, *_swap(ARRAY, "{d}/w.csv", "{d}/w_nan.csv")], 2, "w_nan.csv"),
        ("a-weights-word", ["array", ORTHO, *_swap(ARRAY, "{d}/w.csv", "{d}/w_word.csv")], 2, "w_word.csv"),
        ("a-weights-shape", ["array", ORTHO, *_swap(ARRAY, "{d}/w.csv", "{d}/w_shape.csv")], 2, "w_shape.csv"),
        ("a-weights-empty", ["array", ORTHO, *_swap(ARRAY, "{d}/w.csv", "{d}/w_empty.csv")], 2, "w_empty.csv"),
        ("a-weights-binary", ["array", ORTHO, *_swap(ARRAY, "{d}/w.csv", "{d}/w_binary.csv")], 2, "w_binary.csv"),
        ("a-weights-folder", ["array", ORTHO, *_swap(ARRAY, "{d}/w.csv", "{d}")], 2, "not a regular file"),
        ("a-spikes-header", ["array", ORTHO, *_swap(ARRAY, "{d}/s.csv", "{d}/s_header.csv")], 2, "s_header.csv"),
        ("a-spikes-index", ["array", ORTHO, *_swap(ARRAY, "{d}/s.csv", "{d}/s_index.csv")], 2, "s_index.csv"),
        ("a-spikes-sign", ["array", ORTHO, *_swap(ARRAY, "{d}/s.csv", "{d}/s_sign.csv")], 2, "s_sign.csv"),
        ("a-spikes-negative", ["array", ORTHO, *_swap(ARRAY, "{d}/s.csv", "{d}/s_neg.csv")], 2, "s_neg.csv"),
        ("a-spikes-latin1", ["array", ORTHO, *_swap(ARRAY, "{d}/s.csv", "{d}/s_latin1.csv")], 2, "s_latin1.csv"),
        ("a-spikes-cols", ["array", ORTHO, *_swap(ARRAY, "{d}/s.csv", "{d}/s_cols.csv")], 2, "s_cols.csv"),
        ("a-spikes-word", ["array", ORTHO, *_swap(ARRAY, "{d}/s.csv", "{d}/s_word.csv")], 2, "s_word.csv"),
        ("a-g-min-zero", ["array", ORTHO, *ARRAY, "--g-min", "0"], 2, "--g-min"),
        ("a-t-stop-zero", ["array", ORTHO, *ARRAY, "--t-stop", "0"], 2, "--t-stop"),
        ("a-workers-zero", ["array", ORTHO, *ARRAY, "--workers", "0"], 2, "--workers"),
        ("a-group-zero", ["array", ORTHO, *ARRAY, "--group", "0"], 2, "--group"),
        ("a-r-wire-negative", ["array", ORTHO, *ARRAY, "--r-wire", "-1"], 2, "--r-wire"),
        ("a-split-coupled", ["array", ORTHO, *ARRAY, "--r-wire", "1", "--split"], 2, "split"),
        ("a-g-unit-zero", ["array", ORTHO, *ARRAY, "--g-unit", "0"], 2, "--g-unit"),
        ("a-cost-t-stop", ["array", ORTHO, *ARRAY, "--t-stop", "1"], 2, "--t-stop"),
        # power
        ("p-sizes-zero", opt("power", "--sizes", "0,1"), 2, "--sizes"),
        ("p-sizes-word", opt("power", "--sizes", "a,b"), 2, "--sizes"),
        ("p-sizes-one", opt("power", "--sizes", "1"), 2, "--sizes"),
        ("p-max-sim-zero", opt("power", "--max-sim", "0"), 2, "--max-sim"),
        ("p-cost-max-sim", opt("power", "--sizes", "1,2,100000", "--max-sim", "100000"), 2, "--max-sim"),
        ("p-t-stop-zero", opt("power", "--t-stop", "0"), 2, "--t-stop"),
        ("p-v-spike-word", opt("power", "--v-spike", "high"), 2, "--v-spike"),
    ]
    value_cases += [
        # montecarlo and window --yield: variation specs, scale-out, circuit level
        ("mc-sigma-escape", _swap(opt("montecarlo"), "L=1n", "L=\x1b[2J"), 2, "variation.L"),
        ("mc-sigma-none", [a for a in opt("montecarlo") if a not in ("--sigma", "L=1n")], 2, "--sigma"),
        ("mc-sigma-empty", _swap(opt("montecarlo"), "L=1n", ","), 2, "--sigma"),
        ("mc-sigma-bound", _swap(opt("montecarlo"), "L=1n", "W=3n"), 2, "variation.W"),
        ("mc-sigma-unknown", _swap(opt("montecarlo"), "L=1n", "gamma=1%"), 2, "variation"),
        ("mc-samples-huge", _swap(opt("montecarlo"), "10", "100000000"), 2, "--samples"),
        ("mc-chunk-zero", opt("montecarlo", "--chunk", "0"), 2, "--chunk"),
        ("mc-scheduler-word", opt("montecarlo", "--scheduler", "the cloud"), 2, "--scheduler"),
        ("mc-offset-negative", opt("montecarlo", "--offset", "-1m"), 2, "--offset"),
        ("mc-drive-word", opt("montecarlo", "--drive", "lots"), 2, "--drive"),
        ("mc-drive-amps", opt("montecarlo", "--drive", "0.6"), 2, "--drive: got 0.6; " + REFUSED_DRIVE),
        ("wy-drive-amps", opt("window", "--yield", "--drive", "0.6", "--sigma", "L=1n"), 2,
         "--drive: got 0.6; " + REFUSED_DRIVE),
        ("w-drive-without-yield", opt("window", "--drive", "0.6m"), 2, "--drive: got 0.0006; allowed: only with --yield"),
        ("v-drive-amps", ["verify", B53S, "--drive", "0.539", "--quick"], 2,
         "--drive: got 0.539; allowed: a test input up to 0.0318 A"),
        ("b-current-amps", ["budget", ORTHO, "--current", "0.6"], 2, "--current: got 0.6; " + REFUSED_DRIVE),
        ("c-i-hi-amps", opt("compare", "--i-hi", "1.2"), 2, "--i-hi: got 1.2; " + REFUSED_DRIVE),
        # an onset in A: the read and reset currents (and neuron's default input) scale with it
        ("a-i-th-amps", opt("array", "--i-th", "0.38"), 2, "--i-th: got 0.38; " + REFUSED_DRIVE),
        ("p-i-th-amps", opt("power", "--i-th", "0.38"), 2, "--i-th: got 0.38; " + REFUSED_DRIVE),
        ("ne-i-th-amps", opt("neuron", "--i-th", "0.38"), 2, "--i-th: got 0.38; " + REFUSED_DRIVE),
        ("ne-i-th-amps-dc", opt("neuron", "--i-th", "0.38", "--input", "dc:0.6m"), 2, "--i-th: got 0.38; "),
        ("ne-i-read-amps", opt("neuron", "--i-th", "0.38m", "--i-read", "0.1", "--input", "dc:0.6m"), 2,
         "--i-read: got 0.1; " + REFUSED_DRIVE),
        ("d-range-ki-joules", ["design", "cofeb_mgo", "--sigma", "L=1n", "--range", "Ki=0:1.3", "--designs", "2"], 2,
         "--range: got 'Ki=0:1.3'; allowed: bounds of Ki (material.Ki_bottom, J/m^2) that a device file may hold"),
        ("d-range-inverted", ["design", ORTHO, "--sigma", "L=1n", "--range", "L=50n:40n"], 2, "LOW < HIGH"),
        # circuit knobs in the wrong unit (s for ns, V for mV), a device knob beyond any magnet
        ("d-range-clock-seconds", ["design", ORTHO, "--sigma", "L=1n", "--range", "clock_period=1:2"], 2,
         "--range: got 'clock_period=1:2'; allowed: bounds of clock_period (s) that a design may have (a time > 0 and "
         "at most 1e-06 s (1 us)"),
        ("d-range-v-mid-millivolts", ["design", ORTHO, "--sigma", "L=1n", "--range", "v_mid=400:800"], 2,
         "--range: got 'v_mid=400:800'; allowed: bounds of v_mid (V) that a design may have (a read-out level > 0 and "
         "below vdd = 1 V"),
        ("d-range-ku", ["design", ORTHO, "--sigma", "L=1n", "--range", "Ku=0:1e9"], 2,
         "--range: got 'Ku=0:1e+09'; allowed: bounds of Ku (field.Ku, J/m^3) that a device file may hold (-2e7 to 2e7 "
         "J/m^3"),
        ("d-only-ki", ["design", ORTHO, "--sigma", "L=1n", "--only", "L,Ki"], 2,
         "--only: got 'Ki'; allowed: knobs whose effect orthogonal has: Ki needs a device with interface anisotropy"),
        ("d-range-unknown", ["design", ORTHO, "--sigma", "L=1n", "--range", "Q=1:2"], 2,
         "--range: got 'Q=1:2'; allowed: knobs among W, L, T"),
        # a --start value outside the searched bounds: named as the option the user gave, not an internal name
        ("d-start-outside", ["design", ORTHO, "--sigma", "L=1n", "--start", B53S, "--range", "drive_ratio=1.1:2"], 2,
         "--start: got 'drive_ratio=3.21655'; allowed: drive_ratio within the searched bounds 1.1 to 2"),
        ("mc-circuit-t-stop-zero", opt("montecarlo", "--circuit", "1", "--circuit-t-stop", "0"), 2, "--circuit-t-stop"),
        ("mc-device-test", opt("montecarlo", "--device-test", "ac"), 2, "--device-test"),
        ("mc-store-is-out", opt("montecarlo", "--store", "{d}/prev"), 2, "--store"),
        ("wy-plane", opt("window", "--yield", "--plane", "Ku", "--sigma", "L=1n"), 2, "--plane"),
        ("wy-ku-word", opt("window", "--yield", "--plane", "Ku,L", "--Ku-range", "a", "b", "--sigma", "L=1n"), 2,
         "--Ku-range"),
        ("wy-sigma-alone", opt("window", "--sigma", "L=1n"), 2, "--yield"),
        ("wy-samples-zero", opt("window", "--yield", "--samples", "0", "--sigma", "L=1n"), 2, "--samples"),
        # network
        ("n-task", opt("network", "--task", "cifar"), 2, "--task"),
        ("n-images-zero", opt("network", "--images", "0"), 2, "--images"),
        ("n-sigma-unknown", opt("network", "--sigma", "Q=1"), 2, "variation"),
        ("n-mtj-word", opt("network", "--mtj", "1"), 2, "--mtj"),
        ("n-lif-missing", opt("network", "--lif", "{d}/nope.json"), 2, "nope.json"),
        ("n-temperature-negative", opt("network", "--temperature", "-5"), 2, "--temperature"),
    ]
    yield from value_cases
    # output folders, for two commands (one Python, one ngspice)
    for cmd in ("macrospin", "neuron"):
        yield f"{cmd}-out-empty", [*opt(cmd), "--out", ""], 2, "--out"
        yield f"{cmd}-out-file", [*opt(cmd), "--out", "{d}/a_file"], 2, "--out"
        yield f"{cmd}-out-under-file", [*opt(cmd), "--out", "{d}/a_file/sub"], 2, "--out"
        yield f"{cmd}-out-proc", [*opt(cmd), "--out", "/proc/mtjspice-corpus"], 2, "--out"
        yield f"{cmd}-out-taken", [*opt(cmd), "--out", "{d}/prev"], 2, "--overwrite"
        yield f"{cmd}-out-foreign", [*opt(cmd), "--out", "{d}/foreign", "--overwrite"], 2, MARKER


def _swap(argv: list[str], old: str, new: str) -> list[str]:
    return [new if a == old else a for a in argv]


CASES = list(_cases())


def test_corpus_is_wide() -> None:
    assert len(CASES) >= 150
    assert {c[1][0] for c in CASES} >= set(BASE)  # every command of BASE, and value cases of others


@pytest.mark.parametrize("case", DRIVE_IN_AMPS)
def test_a_drive_in_amps_is_refused_without_an_option_the_command_lacks(case: str, case_dir: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """montecarlo, window --yield, verify, budget, compare and power have no --allow-breakdown: their
    refusal of a forgotten m ends with the unit's hint, never with a way to run it anyway."""
    argv = next(c[1] for c in CASES if c[0] == case)
    rc = main([*argv, "--out", str(case_dir / "new")])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and err.endswith(("(0.6m is 0.6 mA, 0.6 is 0.6 A)", "the junction is orthogonal's",
                                     "the read and reset currents scale with it")), err
    assert "allow-breakdown" not in err and "allow_breakdown" not in err and "anyway" not in err
    assert not (case_dir / "new").exists()


def test_verify_runs_the_designs_own_drive_and_refuses_amps_in_its_design_file(
        case_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The clamp's rule: design_b53s's 0.539 mA (behind its clamp) gets past the check to the first
    step of the run (stopped there: the onset table); the same number in A in design.toml is refused,
    naming the file's key and its unit."""
    import shutil

    import mtjspice.montecarlo.robust as robust

    class Reached(Exception):
        pass

    def stop(*args: object, **kw: object) -> None:
        raise Reached("past the drive check")

    monkeypatch.setattr(robust, "robust_table", stop)
    rc = main(["verify", B53S, "--quick", "--out", str(case_dir / "new")])
    err = capsys.readouterr().err.strip()
    assert rc == 1 and "Reached" in err and "past the drive check" in err, err
    design = case_dir / "b53s_amps"
    shutil.copytree(B53S, design)
    toml = design / "design.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("drive = 0.0005391044938052962", "drive = 0.539"),
                    encoding="utf-8")
    rc = main(["verify", str(design), "--quick", "--out", str(case_dir / "new")])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and len(err.splitlines()) == 1, err
    assert err.startswith(f"mtjspice verify: error: {toml}: drive: got 0.539; allowed: a test input up to 0.0318 A"), err
    assert err.endswith("the file states the drive in A (0.539 mA would be 0.000539)") and "anyway" not in err
    assert not (case_dir / "new").exists()


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(autouse=True)
def small_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every case sees a machine with 4 GB available, whatever this one has: the guards then
    refuse the same runs everywhere, and a guard that fails cannot exhaust the test machine."""
    monkeypatch.setenv("MTJSPICE_MEMORY_LIMIT", "4e9")


@pytest.fixture
def case_dir(tmp_path: Path) -> Path:
    for name, data in FILES.items():
        (tmp_path / name).write_bytes(data)
    for name, (data, _) in BAD_DEVICES.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "\x1b[31mred.toml").write_bytes(b"[geometry]\nW = 1\n")
    with OutputDir(tmp_path / "prev") as tmp:  # an earlier run's results
        (tmp / "spikes.csv").write_text("t,polarity\n1e-9,1\n", encoding="utf-8")
    (tmp_path / "foreign").mkdir()
    (tmp_path / "foreign" / "thesis.tex").write_text("precious\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(("argv", "status", "fragment"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_fails_cleanly(case_dir: Path, argv: list[str], status: int, fragment: str,
                                 capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(case_dir)
    argv = [a.replace("{d}", str(case_dir)) for a in argv]
    if "--out" not in argv:
        argv += ["--out", str(case_dir / "prev"), "--overwrite"]
    before = {p: _snapshot(case_dir / p) for p in ("prev", "foreign")}
    t0 = time.monotonic()
    try:
        rc = main(argv)
    except SystemExit as exc:  # argparse's own usage errors
        rc = int(exc.code or 0)
    elapsed = time.monotonic() - t0
    err = capsys.readouterr().err
    assert rc == status, err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err  # one line: no usage block, no warnings before it
    last = err.strip().splitlines()[-1]
    assert last.startswith(f"mtjspice {argv[0]}: error: "), err
    assert fragment in last, last
    assert not any(ch in err for ch in ("\x1b", "\x07", "\x00")), repr(err)
    assert elapsed < BOUND
    assert {p: _snapshot(case_dir / p) for p in ("prev", "foreign")} == before
    leftovers = [p.name for p in case_dir.iterdir() if p.name.endswith((".partial", ".old", ".check"))]
    assert not leftovers and not (case_dir / "a_file").is_dir()


def test_memory_guard_uses_this_machines_memory(case_dir: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The guard reads the memory this machine has: on a machine with 1 MB free, a run that would
    fit a normal machine is refused, with the estimate and what to change."""
    monkeypatch.setenv("MTJSPICE_MEMORY_LIMIT", "1e6")
    rc = main(["neuron", ORTHO, "--t-stop", "20n", "--out", str(case_dir / "new")])
    err = capsys.readouterr().err
    assert rc == 2 and "--t-stop" in err and "MiB" in err and "may be used" in err
    assert not (case_dir / "new").exists()


def test_debug_shows_the_traceback(case_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["--debug", "macrospin", str(case_dir / "alpha.toml"), "--out", str(case_dir / "x")])
    err = capsys.readouterr().err
    assert rc == 2 and "Traceback" in err and err.strip().splitlines()[-1].startswith("mtjspice macrospin: error:")
    rc = main(["macrospin", str(case_dir / "alpha.toml"), "--out", str(case_dir / "x"), "--debug"])
    assert rc == 2 and "Traceback" in capsys.readouterr().err


def test_unexpected_errors_are_one_line(case_dir: Path, capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug (here: a library function raising a plain Python error) still ends as one line and
    exit status 1, and the result folder is untouched."""
    import mtjspice.physics.solver as solver

    def broken(*args: object, **kw: object) -> None:
        raise KeyError("boom")

    monkeypatch.setattr(solver, "simulate", broken)
    before = _snapshot(case_dir / "prev")
    rc = main(["macrospin", ORTHO, "--out", str(case_dir / "prev"), "--overwrite"])
    err = capsys.readouterr().err
    assert rc == 1 and "Traceback" not in err and "internal error (KeyError" in err
    assert _snapshot(case_dir / "prev") == before



@pytest.mark.ngspice
def test_timeout_stops_the_command_and_ngspice(case_dir: Path, capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """--timeout stops a run that the estimate let through (here the estimate is made optimistic):
    exit status 1, the option named, no folder written, no ngspice process left behind."""
    import mtjspice.circuits.cost as cost

    monkeypatch.setattr(cost, "NEURON_SECONDS_PER_SECOND", 1e5)
    t0 = time.monotonic()
    rc = main(["neuron", ORTHO, "--input", "dc:0.6m", "--t-stop", "400n", "--timeout", "1",
               "--out", str(case_dir / "late")])
    elapsed = time.monotonic() - t0
    err = capsys.readouterr().err
    assert rc == 1 and "--timeout" in err.strip().splitlines()[-1], err
    assert elapsed < 4.0
    assert not (case_dir / "late").exists()
    assert not _ngspice_children()


def _ngspice_children() -> list[int]:
    """ngspice processes whose parent is this test process (the runs it started)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        comm, rest = text[text.index("(") + 1:text.rindex(")")], text[text.rindex(")") + 2:].split()
        if comm.startswith("ngspice") and int(rest[1]) == os.getpid():
            out.append(int(stat.parent.name))
    return out
