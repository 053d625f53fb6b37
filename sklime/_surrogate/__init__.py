"""_surrogate"""
