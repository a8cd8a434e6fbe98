"""The matching maths: people as arrays, scores, explanations, fair exposure.

Pure NumPy: no ORM, no settings, no clock. Services load features and pass
today's day number and a rotation seed in.
"""
