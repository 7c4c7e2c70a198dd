"""Project-wide middleware that is not about tenancy itself (that lives in tenants.middleware)."""
