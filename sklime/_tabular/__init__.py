"""_tabular"""
