"""Sea lanes, chokepoints and the land network: routes, closures and what everything depends on."""
