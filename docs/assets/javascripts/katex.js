// Typeset the maths that pymdownx.arithmatex (generic: true) leaves in elements of class
// "arithmatex" as \( ... \) (inline) and \[ ... \] (display). Only those elements are touched, so
// dollar signs in prose or shell snippets stay as they are. Material's document$ emits on the
// first load and again after every instant navigation, so new pages are typeset too.
document$.subscribe(({ body }) => {
  for (const element of body.querySelectorAll(".arithmatex")) {
    renderMathInElement(element, {
      delimiters: [
        { left: "\\(", right: "\\)", display: false },
        { left: "\\[", right: "\\]", display: true },
      ],
      throwOnError: false,
    });
  }
});
