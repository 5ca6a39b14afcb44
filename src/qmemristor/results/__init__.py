"""Datasets and provenance, assembled in one place beside :mod:`qmemristor.io`.

Physics modules (``memristor``, ``neuron``, ``network``, ``analysis``, ...) return NumPy arrays
and small frozen result objects; they never build :class:`xarray.Dataset` objects nor record
provenance.  Each area has one module here (``results.network``, ``results.orbits``, ...) that
turns its result objects into labelled datasets with the parameters, the package version and
the seed in the attributes (:func:`qmemristor.io.provenance_attrs`), ready for
:func:`qmemristor.io.write_netcdf` and the figures.
"""
