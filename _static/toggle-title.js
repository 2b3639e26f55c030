// A folded solution (sphinx-exercise's `:class: dropdown`) opens when its title is clicked.
// sphinx-togglebutton 0.4.5 makes the whole title clickable, but its handler only knows the
// title itself, its chevron button and the chevron's <polyline>. A click on anything else in
// the title, such as the "Exercise 3" link in "Solution to Exercise 3", math in a title, or
// the chevron's <path>, raises "ReferenceError: button is not defined" (or toggles whichever
// solution was clicked before). This turns such a click into a click on the title itself.
document.addEventListener(
  "click",
  (event) => {
    const title = event.target.closest(".admonition.toggle > .admonition-title");
    if (!title || event.target === title) return;
    event.preventDefault(); // the link would only jump to the exercise just above
    event.stopPropagation();
    title.click();
  },
  true,
);
