"""A bench-only site for `registration_burst.py`: the project plus one signed-in no-op view.

Django's `set_language` (the issue's floor) reads neither the session nor the user, so
it says nothing about what any signed-in page pays before it does its own work. The
second floor POSTs here: the session is read, the user and their person are loaded
(`viewer_for`, as every member page does), and the view redirects. Never deployed.
"""
