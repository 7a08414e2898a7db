"""ringforward: a RingCentral-compatible call-handling service and ring-group toolkit."""

__version__ = "0.1.0"
