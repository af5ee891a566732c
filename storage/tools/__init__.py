"""Tools over a library: doctor (check and restore), statistics, generated demo papers."""
