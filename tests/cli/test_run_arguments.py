"""The scale-out options of the commands (mtjspice.cli.common.add_run_arguments, run_options)."""

from __future__ import annotations

import pytest


def test_scale_out_options_are_one_definition_across_commands() -> None:
    """montecarlo, window and design take --workers and --scheduler from one helper and hand them on as one
    RunOptions (the scheduler wins over --workers)."""
    from mtjspice.cli import build_parser
    from mtjspice.cli.common import run_options

    parser = build_parser()
    base = {"montecarlo": ["montecarlo", "orthogonal"], "window": ["window", "orthogonal", "--fix", "T"],
            "design": ["design", "orthogonal"]}
    for name, argv in base.items():
        args = parser.parse_args([*argv, "--workers", "3", "--out", "o"])
        assert run_options(args).workers == 3, name
        args = parser.parse_args([*argv, "--workers", "3", "--scheduler", "tcp://127.0.0.1:8786", "--out", "o"])
        opt = run_options(args)
        assert opt.workers is None and opt.scheduler == "tcp://127.0.0.1:8786", name
        with pytest.raises(SystemExit):
            parser.parse_args([*argv, "--workers", "0", "--out", "o"])
    assert run_options(parser.parse_args([*base["montecarlo"], "--chunk", "7", "--out", "o"])).chunk == 7
