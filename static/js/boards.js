// Project boards: apply a filter as soon as a select changes (the Show button stays for
// keyboard users and for anyone without JavaScript).
document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form[data-autosubmit]")) {
    for (const select of form.querySelectorAll("select")) {
      select.addEventListener("change", () => form.requestSubmit());
    }
  }
});
