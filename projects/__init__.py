"""Runnable project modules, one package per project card."""
