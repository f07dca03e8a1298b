"""The MkDocs front end: the plugin's options (``config.py``) and its hooks (``plugin.py``).

Sites name it ``gradviz`` under ``plugins:``; the ``mkdocs.plugins`` entry point leads here.
"""
