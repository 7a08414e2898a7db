"""RingCentral wire formats of domain values: one serializer per concept, no I/O.

Every edge (``api``, ``portal``, ``cli``, ``client``) imports from here, so a concept is
written to JSON in exactly one place.
"""
