"""_text"""
