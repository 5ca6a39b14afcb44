"""Parameter sweeps: grids of parameters to labelled xarray results, local or on Dask."""
