"""Creation funds (创建资金): budgets, disbursements, spending and the fiscal year."""
