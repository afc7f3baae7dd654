"""Year-end reviews, suspension plans, status checks and incidents; built with the monitoring issues."""
