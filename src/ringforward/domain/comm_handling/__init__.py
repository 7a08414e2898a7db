"""Enhanced call handling (RingCentral's v2 comm-handling): states, state rules, interaction
rules and their dispatching, as pure functions over the v2 wire documents."""
