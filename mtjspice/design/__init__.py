"""Design for yield: a multi-objective search over device and circuit knobs (Optuna on Dask), the
per-design evaluation by the device-level Monte Carlo, and the design report."""
