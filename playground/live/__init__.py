"""The live seam: a Celery task publishes through the channel layer to browsers on a websocket.

It is the smallest complete path from a worker to a page, kept as a working check of the stack
(the home page uses it) and as the pattern that live simulation runs follow.
"""
