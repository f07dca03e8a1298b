"""gradviz's scene library: parameterised animations of gradient descent and weight updates.

Installed as ``mkdocs_gradviz.scenes``. The plugin reads these modules with ``ast`` and imports
them only inside a render process; what a scene of your own needs is exported by
``mkdocs_gradviz`` itself (``from mkdocs_gradviz import LessonMixin, Range, check_params``).
"""
