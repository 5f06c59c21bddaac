"""Process variation: device- and circuit-level Monte Carlo, trim and robust design, scaled out on Dask."""
