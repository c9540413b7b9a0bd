// Deskside console: small progressive enhancements; every page works without this file.
// - a table filter that narrows the rows as you type (inputs with data-filter-table);
// - an onboarding page reloads itself every 5 s while its run is going (data-live-progress).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const input of document.querySelectorAll("input[data-filter-table]")) {
    const table = document.getElementById(input.dataset.filterTable);
    if (!table) continue;
    input.addEventListener("input", () => {
      const needle = input.value.toLowerCase();
      for (const row of table.tBodies[0].rows) {
        row.hidden = needle !== "" && !row.cells[0].textContent.toLowerCase().includes(needle);
      }
    });
  }
  const progress = document.querySelector("progress[data-live-progress]");
  if (progress && Number(progress.value) < 100) {
    setTimeout(() => window.location.reload(), 5000);
  }
});
