"""Products: the side products a maker ships, each kept as a PM case study."""
