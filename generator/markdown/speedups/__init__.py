"""markdown/speedups"""
