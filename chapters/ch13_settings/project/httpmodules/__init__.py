"""The project's HTTP modules (tornadopy's httpmodules/): chapter 16 writes them and lists them in
COMMON_MODULES and ROUTE_MODULES."""
