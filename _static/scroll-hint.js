// Marks each box that scrolls sideways with the side(s) it has more content on, so that
// _static/phone.css can fade that edge: a phone shows no scroll bar until one scrolls, and an
// equation cut off at the edge of the screen would otherwise look complete.
(() => {
  const BOXES = [
    'div.math mjx-container[display="true"]',
    ".pst-scrollable-table-container",
    "div.cell_output .output",
  ].join(", ");

  const mark = (box) => {
    const more = box.scrollWidth - box.clientWidth;
    box.classList.toggle("scroll-hint-left", more > 1 && box.scrollLeft > 1);
    box.classList.toggle("scroll-hint-right", more > 1 && box.scrollLeft < more - 1);
  };

  const watch = () => {
    const resized = new ResizeObserver((entries) => entries.forEach((e) => mark(e.target)));
    document.querySelectorAll(BOXES).forEach((box) => {
      resized.observe(box);
      box.addEventListener("scroll", () => mark(box), { passive: true });
      mark(box);
    });
  };

  // Display math exists only once MathJax has typeset the page.
  window.addEventListener("load", () => {
    const typeset = window.MathJax && window.MathJax.startup && window.MathJax.startup.promise;
    (typeset || Promise.resolve()).then(watch);
  });
})();
