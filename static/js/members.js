// Members: clicking a suggested tag completes the tag being typed in the tags field.
document.addEventListener("click", (event) => {
  const button = event.target.closest(".tag-suggestion");
  if (!button) return;
  const input = document.querySelector("[data-tag-input]");
  if (!input) return;
  const parts = input.value.split(",");
  parts[parts.length - 1] = " " + button.dataset.tag;
  input.value = parts.map((part) => part.trim()).filter(Boolean).join(", ") + ", ";
  input.focus();
  const box = document.getElementById("tag-suggestions");
  if (box) box.replaceChildren();
});

// Directory: the filter panel starts folded on phones (the page works either way);
// on wide screens open it, also after htmx swaps in new results.
function openFiltersOnWideScreens() {
  if (!window.matchMedia("(min-width: 861px)").matches) return;
  document.querySelectorAll("details[data-open-wide]").forEach((details) => {
    details.open = true;
  });
}
document.addEventListener("DOMContentLoaded", openFiltersOnWideScreens);
document.addEventListener("htmx:afterSwap", openFiltersOnWideScreens);
