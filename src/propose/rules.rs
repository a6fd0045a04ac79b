//! Trigger rules (titles, organisation heads, place cues).
