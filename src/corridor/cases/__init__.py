"""Cases: responders of several organizations working an alert, a joint action or an
exercise through to a closing summary (issue 14, section 6)."""
