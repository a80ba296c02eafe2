"""Injury surveillance records (伤害监测报告卡). The models arrive with the surveillance issue."""
