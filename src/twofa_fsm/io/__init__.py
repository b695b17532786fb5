"""Reading spec and scenario files safely."""
