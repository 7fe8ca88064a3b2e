"""Newsletter digest job."""
