"""Kernel SHAP on sklime's engine: coalitions, the background game, the fit."""
