// Adds metric rows in the page instead of a round trip to the server.
// Without JavaScript the "Add another metric" button submits the form and the
// server adds the row, so this file only makes it quicker.
"use strict";

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
