"""_similarity"""
