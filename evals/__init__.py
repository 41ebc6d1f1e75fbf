"""Evaluation and benchmarks: figures, printed side by side with a baseline."""
