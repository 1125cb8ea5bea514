"""govctl's command line: a thin layer over ``govctl.api``."""
