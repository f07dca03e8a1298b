"""The engine: gradviz without a site generator. Internal: its names may change in any release.

Front ends (``mkdocs_gradviz.mkdocs``, ``mkdocs_gradviz.zensical``, the ``gradviz`` command) drive
it; scene authors use the public API of ``mkdocs_gradviz`` instead. A block flows through five
stages, one way, and each module belongs to one stage:

read     what the pages and the site ask for
         ``fence``      finds gradviz fences and the page line each starts on
         ``scan``       every block of a docs folder at once, for front ends that see pages one by one
         ``spec``       a block as a frozen, validated ``BlockSpec``, and its render requests
         ``params``     scene parameters as declared in source, checked against values
         ``library``    the scene library and the site's scenes, read with ``ast`` (no Manim import)
         ``settings``   the site-wide options every front end shares, with their defaults
         ``errors``     the one exception family, converted once by each front end
         ``support``    the Python and dependency versions gradviz supports, from its metadata

plan     which renders a build needs, in which order
         ``engine``     one site's settings, library, cache and queue, and its builds
         ``build``      one build: blocks registered while pages convert, renders collected late
         ``edits``      what an author just saved under ``serve``, so its renders go first

render   making the videos
         ``render_queue``   the queue: several renders at a time, each key once, most urgent first
         ``process``        one render in a process of its own, forked from a server that imported Manim
         ``manim_render``   the body of that process; it and ``manim_values`` alone import Manim
         ``manim_values``   the body of a values process: a scene's ``values()``, nothing drawn
         ``pausing``        background renders paused between frames while an edit renders
         ``job``            what crosses the process boundary: the request in, the result out
         ``steps``          where a scene's steps begin, as WebVTT chapters
         ``dask_executor``  renders as tasks on a Dask cluster (``executor: dask``)
         ``_preload``       what the fork server imports once

store    keeping them
         ``cache``          the content-addressed store of renders, and the one function for keys
         ``shared_cache``   the second, shared level on any fsspec filesystem
         ``timings``        how long renders took, for estimates

show     putting them in pages
         ``embed``      all the HTML gradviz writes: slots, figures, stills, errors, placeholders
         ``live``       status files that let an open page swap a finished render in under ``serve``
         ``forecast``   what a placeholder says: its place in the queue and how long it should take
         ``progress``   progress of the render phase, in MkDocs' log or a live bar
         ``values``     ``:gradviz[id.value]`` references in the prose, replaced by the scene's numbers
         ``proof``      proof sheets: each block's frame at every step beside its prose (``proof_html``)
"""
