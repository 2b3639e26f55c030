// Accessible names that contain what the reader sees (WCAG 2.1 "label in name", 2.5.3), so
// that a screen-reader or voice-control user can call each control by its visible words.
// The theme and its extensions set aria-labels that differ from their visible text:
// - the search field shows "Search Ctrl+K" but is named "Search": its name comes from its
//   content once the aria-label goes (the shortcut still shows, and is announced too);
// - the colour-mode switch named "Color mode" holds icons titled "Light", "Dark" and
//   "System Settings" (Font Awesome turns each title into an SVG <title>): the icons become
//   decorative, and the button's name says the mode it is in, kept up to date;
// - myst-nb's "Show code cell source" and sphinx-togglebutton's "Click to show" are both
//   named "Toggle hidden content": the summary is named by its text, the solution's button
//   by its hint, which follows the state.
(() => {
  const MODES = { light: "light", dark: "dark", auto: "system setting" };

  const fixThemeSwitch = () => {
    document.querySelectorAll(".theme-switch-button .theme-switch").forEach((icon) => {
      icon.removeAttribute("title");
      icon.removeAttribute("aria-labelledby");
      icon.removeAttribute("role");
      icon.setAttribute("aria-hidden", "true");
      icon.querySelectorAll("title").forEach((t) => t.remove());
    });
    const mode = MODES[document.documentElement.dataset.mode] || MODES.auto;
    document.querySelectorAll(".theme-switch-button").forEach((button) => {
      button.setAttribute("aria-label", `Color mode: ${mode}`);
    });
  };

  const fixToggleButton = (button) => {
    if (button.dataset.toggleHint) button.setAttribute("aria-label", button.dataset.toggleHint);
  };

  const fix = () => {
    document
      .querySelectorAll(".search-button-field[aria-label]")
      .forEach((b) => b.removeAttribute("aria-label"));
    document
      .querySelectorAll('details > summary[aria-label="Toggle hidden content"]')
      .forEach((s) => s.removeAttribute("aria-label"));
    document.querySelectorAll("button.toggle-button").forEach(fixToggleButton);
    fixThemeSwitch();
    // Font Awesome swaps icons in later, the theme changes mode, and togglebutton changes its
    // hint: follow them.
    new MutationObserver(fixThemeSwitch).observe(document.documentElement, {
      attributeFilter: ["data-mode"],
    });
    document.querySelectorAll(".theme-switch-button").forEach((button) => {
      new MutationObserver(fixThemeSwitch).observe(button, { childList: true });
    });
    new MutationObserver((records) =>
      records.forEach((r) => fixToggleButton(r.target)),
    ).observe(document.body, { subtree: true, attributeFilter: ["data-toggle-hint"] });
  };

  // After the extensions' own DOMContentLoaded handlers, which add the toggle buttons.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => setTimeout(fix));
  } else {
    setTimeout(fix);
  }
})();
