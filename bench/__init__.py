"""shiplog's side-by-side benchmark: the same corpus built by shiplog, Hugo, Pelican, MkDocs and a
Python floor, measured as whole processes. Run with `make bench` or `python -m bench --help`."""
