// Adds metric rows in the page instead of a round trip to the server.
// Without JavaScript the "Add another metric" button submits the form and the
// server adds the row, so this file only makes it quicker. Also unfolds the
// section a link to a field leads into.
"use strict";

// A link to a field in a folded section (from the checklist beside the form, or the
// error summary) unfolds the section, where a browser does not do so by itself.
const unfoldLinkedField = () => {
  const target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
  const section = target && target.closest("details");
  if (section && !section.open) {
    section.open = true;
    target.scrollIntoView();
  }
};
window.addEventListener("hashchange", unfoldLinkedField);

document.addEventListener("DOMContentLoaded", () => {
  const rows = document.querySelector("[data-metric-rows]");
  const button = document.querySelector("[data-add-metric]");
  const template = document.getElementById("metric-row-template");
  if (!rows || !button || !template) {
    return;
  }

  const nextIndex = () => {
    const indexes = Array.from(rows.querySelectorAll("input[name$='-label']"), (input) =>
      Number(input.name.split("-")[1]),
    );
    return indexes.length ? Math.max(...indexes) + 1 : 0;
  };

  button.addEventListener("click", (event) => {
    const count = rows.querySelectorAll("[data-metric-row]").length;
    const max = Number(rows.dataset.max);
    if (count >= max) {
      return;
    }
    event.preventDefault();
    const html = template.innerHTML
      .replaceAll("__index__", String(nextIndex()))
      .replaceAll("__number__", String(count + 1));
    rows.insertAdjacentHTML("beforeend", html);
    rows.lastElementChild.querySelector("input").focus();
    if (count + 1 >= max) {
      button.hidden = true;
    }
  });
});
