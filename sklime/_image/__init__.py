"""_image"""
