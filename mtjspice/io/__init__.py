"""Files in and out: input readers (``--input`` strings, PWL, weights, spike events, settings
files), output folders written whole or not at all, the CSV column tables with their units, and the
``report.txt`` writers. No physics and no simulation here."""
