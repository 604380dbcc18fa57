"""PCC funds, allocations and monitoring returns. Arrives with its own issue; until then the
app holds no models and no pages."""
