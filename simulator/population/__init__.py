"""Population runs: many users, many days, one seeded event loop per block of users.

``profile`` (the YAML profile), ``orgs`` (organisations and roles), ``people``
(users and their phones), ``block`` (the event loop of one block), ``flows``
(what users, admins and attackers do), ``stats`` (merging and the summary),
``run`` (blocks over worker processes), ``render`` (table and progress bar).
"""
