"""The investor proxy service (全程委托代理): eligibility by rule, its rate table, project codes."""
