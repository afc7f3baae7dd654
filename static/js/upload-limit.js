// A file over the limit is refused before it is sent (the server refuses it too: core/uploads.py).
document.addEventListener("change", (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || input.type !== "file" || !input.dataset.maxBytes) return;
  const max = Number(input.dataset.maxBytes);
  const tooLarge = Array.from(input.files || []).some((file) => file.size > max);
  input.setCustomValidity(tooLarge ? input.dataset.maxMessage || "ファイルが大きすぎます。" : "");
  if (tooLarge) input.reportValidity();
});
