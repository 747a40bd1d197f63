// The browser knows the time zone it runs in: sign-up sends it along, and Settings
// offers it in one click instead of a search through some 400 names. Without
// JavaScript, a new account starts in UTC and the list is there to choose from.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone) {
    return;
  }
  for (const input of document.querySelectorAll('input[type="hidden"][name="time_zone"]')) {
    input.value = zone;
  }
  for (const select of document.querySelectorAll("select[data-suggest-time-zone]")) {
    const button = document.getElementById(select.dataset.suggestTimeZone);
    const offered = [...select.options].some((option) => option.value === zone);
    if (!button || !offered || select.value === zone) {
      continue;
    }
    button.textContent = `Use this browser’s time zone: ${zone.replaceAll("_", " ")}`;
    button.hidden = false;
    button.addEventListener("click", () => {
      select.value = zone;
      button.hidden = true;
      select.focus();
    });
  }
});
