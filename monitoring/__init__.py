"""Status checks, incidents, content checks and reminders; built with the monitoring issues."""
