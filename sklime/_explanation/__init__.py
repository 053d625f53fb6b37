"""_explanation"""
