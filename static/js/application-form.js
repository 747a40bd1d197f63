// Names the job site as a posting's address is typed or pasted; the server reads the
// site from the address on save, so without JavaScript nothing is lost.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const input = document.querySelector("[data-source-domains]");
  const output = document.getElementById("posting-source");
  if (!input || !output) {
    return;
  }
  const domains = JSON.parse(input.dataset.sourceDomains);
  const labels = JSON.parse(input.dataset.sourceLabels);

  const siteOf = (address) => {
    let host;
    try {
      host = new URL(address.includes("://") ? address : `https://${address}`).hostname;
    } catch {
      return null;
    }
    host = host.toLowerCase().replace(/\.$/, "");
    for (const [domain, source] of Object.entries(domains)) {
      if (host === domain || host.endsWith(`.${domain}`)) {
        return labels[source];
      }
    }
    return host.includes(".") ? labels.company : null;
  };

  const show = () => {
    const site = siteOf(input.value.trim());
    output.textContent = site ? `Site: ${site}` : "";
    output.parentElement.hidden = !site;
  };
  input.addEventListener("input", show);
  show();
});
