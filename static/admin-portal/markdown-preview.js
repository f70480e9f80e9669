// « Prévisualiser » under each Markdown field (procurement_portal/admin_markdown.py):
// the server renders the text with the public pages' sanitizer and sends back HTML.
document.addEventListener("DOMContentLoaded", () => {
  const token = () => {
    const field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  };
  document.querySelectorAll("textarea[data-markdown-preview]").forEach((area) => {
    const label = document.querySelector(`label[for="${area.id}"]`);
    const name = label ? label.textContent.replace(/\s*:\s*$/, "") : "texte";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button markdown-preview-button";
    button.textContent = "Prévisualiser";
    // Several fields have one: a screen reader's list of buttons tells them apart.
    button.setAttribute("aria-label", `Prévisualiser : ${name}`);
    button.setAttribute("aria-controls", `${area.id}_preview`);
    const output = document.createElement("div");
    output.id = `${area.id}_preview`;
    output.className = "markdown-preview";
    output.setAttribute("role", "region");
    output.setAttribute("aria-label", `Aperçu : ${name}`);
    output.setAttribute("aria-live", "polite");
    output.hidden = true;
    area.after(button, output);
    button.addEventListener("click", async () => {
      const body = new FormData();
      body.append("text", area.value);
      let html = "<p>Aperçu indisponible : réessayez dans un instant.</p>";
      try {
        const response = await fetch(area.dataset.markdownPreview, {
          method: "POST",
          body,
          headers: { "X-CSRFToken": token() },
          credentials: "same-origin",
        });
        if (response.ok) html = await response.text();
      } catch (error) {
        // Offline or server down: the message above says so.
      }
      // Sanitized on the server by nh3, as on the public pages.
      output.innerHTML = html;
      output.hidden = false;
    });
  });
});
