"""Domestic Homicide Reviews. The case register arrives with its own issue; until then the
app holds no models and no pages."""
