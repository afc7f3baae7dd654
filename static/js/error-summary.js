// After a refused submission the page opens on the list of problems (templates/core/_error_summary.html,
// WCAG 3.3.1): focus moves there, and each link moves focus to its field with the field's label in view.
(() => {
  const summary = document.querySelector("[data-error-summary]");
  if (!summary) return;
  // A link from another page to one field (…/edit/?check=1#id_title) goes to that field instead.
  if (!window.location.hash) summary.focus();

  summary.addEventListener("click", (event) => {
    const link = event.target.closest("a[href*='#']");
    if (!link) return;
    const url = new URL(link.href);
    if (url.origin !== window.location.origin || url.pathname !== window.location.pathname || url.search !== window.location.search) return;
    const field = document.getElementById(decodeURIComponent(url.hash.slice(1)));
    if (!field) return;
    event.preventDefault();
    // crispy wraps each field, its label or legend included, in <div id="div_id_…">.
    (field.closest("[id^='div_']") || field).scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
  });
})();
