"""The command line says what it characterises on the user's behalf and which cache files it reads
and writes (the cache is opt-in: --cache DIR), once the command has run."""

from __future__ import annotations

import pytest


@pytest.mark.ngspice
def test_the_command_line_says_what_it_characterises_and_caches(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    # the fit itself is replaced by a fixed one (the cache and the messages are under test, not the fit)
    from mtjspice.analysis.lif import LIFParams
    from mtjspice.circuits import compact as CC
    from mtjspice.cli import main

    class Fit:
        params = LIFParams(tau_m=0.91e-9, a2=0.549, R_m=1383.0, i_th=0.383e-3)
        i_min, i_max, hysteresis = 0.42e-3, 1.1e-3, None

    monkeypatch.setattr(CC, "fit_device", lambda dev: Fit())
    monkeypatch.setattr(CC, "steady_gain", lambda dev, lo, hi: 760.0)
    monkeypatch.delenv("MTJSPICE_CACHE")
    CC._compact_params.cache_clear()
    argv = ["neuron", "orthogonal", "--mtj", "compact", "--input", "dc:0.6m", "--t-stop", "2n"]
    assert main([*argv, "--cache", str(tmp_path / "cache"), "--out", str(tmp_path / "a")]) == 0
    err = capsys.readouterr().err
    [written] = list((tmp_path / "cache").glob("compact-*.json"))
    assert "mtjspice neuron: characterisation of device 'orthogonal': onset scan" in err
    assert f"mtjspice neuron: compact of device 'orthogonal' written to the cache: {written}" in err
    CC._compact_params.cache_clear()
    assert main([*argv, "--i-th", "0.383m", "--cache", str(tmp_path / "cache"), "--out", str(tmp_path / "b")]) == 0
    err = capsys.readouterr().err
    assert "characterising" not in err  # --i-th given: nothing to measure, nothing said
    assert f"read from the cache: {written}" in err and "fitting" not in err
    CC._compact_params.cache_clear()
    assert main([*argv, "--i-th", "0.383m", "--out", str(tmp_path / "c")]) == 0
    err = capsys.readouterr().err
    assert "no cache folder given" in err and len(list(tmp_path.rglob("compact-*.json"))) == 1
    CC._compact_params.cache_clear()
