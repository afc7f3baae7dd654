"""Year-end reviews, the 年度 dashboard and the suspension procedure (G-4-5-ア〜ウ); out of monitoring in issue 21."""
