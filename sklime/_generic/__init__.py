"""_generic"""
