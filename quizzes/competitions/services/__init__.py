"""Competition services: pure ranking and scoring functions, and the ORM-facing services
(loading a preliminary, releasing rankings, judging, awards)."""
