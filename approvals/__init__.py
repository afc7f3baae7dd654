"""New-account requests through the 行政情報化推進委員会 (G-4-2); built with the approvals issue."""
