"""trajcheck's interfaces: the HTTP service (main, deps, routes, schemas), its storage
(db) and the ``trajcheck`` command line (cli).

May import every other package of ours (trajectory, maps, assessment, batch); none of
them imports api.
"""
