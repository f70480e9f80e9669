// Accessible names for the admin's autocomplete widgets (select2, vendored by Django).
// select2 builds its own combobox next to the hidden <select> and names neither it nor
// its search field; RGAA (criterion 11.1) wants every field named. The <label> of the
// original <select> gives the name. select2 rebuilds parts of its widget on each choice,
// and inline formsets add rows at any time: a MutationObserver keeps up with both.
(function () {
  "use strict";

  function labelFor(select) {
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    if (!label) {
      return null;
    }
    if (!label.id) {
      label.id = select.id + "_label";
    }
    return label;
  }

  function nameWidget(container) {
    var select = container.previousElementSibling;
    if (!select || select.tagName !== "SELECT") {
      return;
    }
    var label = labelFor(select);
    if (!label) {
      return;
    }
    var name = label.textContent.replace(/\s*:\s*$/, "").trim();
    var combobox = container.querySelector(".select2-selection[role=combobox]");
    var rendered = container.querySelector(".select2-selection__rendered");
    if (combobox) {
      // The label, then the current choice (single selects render it in `rendered`).
      var ids = [label.id];
      if (rendered && rendered.id && combobox.classList.contains("select2-selection--single")) {
        ids.push(rendered.id);
      }
      combobox.setAttribute("aria-labelledby", ids.join(" "));
    }
    if (rendered) {
      // A read-only "textbox" inside the combobox is a second unnamed field for
      // assistive technologies; it only displays the choice, which the combobox names.
      rendered.removeAttribute("role");
      rendered.removeAttribute("aria-readonly");
      if (rendered.tagName === "UL") {
        // Multiple choices: the « clear » cross is a <span> inside the <ul>.
        rendered.setAttribute("role", "list");
        Array.prototype.forEach.call(rendered.children, function (child) {
          if (child.tagName !== "LI") {
            child.setAttribute("role", "listitem");
          }
        });
      }
    }
    container.querySelectorAll(".select2-search__field").forEach(function (field) {
      field.setAttribute("aria-label", name + " : rechercher");
    });
  }

  function nameAll(root) {
    (root || document).querySelectorAll(".select2-container").forEach(nameWidget);
  }

  function nameOpenDropdown() {
    // A single select's search field lives in a dropdown appended to <body>.
    var opened = document.querySelector(
      ".select2-container--open .select2-selection[aria-labelledby]"
    );
    var label = opened && document.getElementById(opened.getAttribute("aria-labelledby").split(" ")[0]);
    if (!label) {
      return;
    }
    var name = label.textContent.replace(/\s*:\s*$/, "").trim() + " : rechercher";
    document.querySelectorAll(".select2-dropdown .select2-search__field").forEach(function (field) {
      field.setAttribute("aria-label", name);
    });
  }

  // A form sent back with errors: the note at the top lists each faulty field as a link
  // to it and takes the focus, so that a screen reader announces it at once (RGAA 11.10,
  // 11.11). Django already ties each error message to its field (aria-describedby).
  function summariseErrors() {
    var note = document.querySelector("#content .errornote");
    if (!note) {
      return;
    }
    var items = [];
    document.querySelectorAll('.errorlist[id$="_error"]').forEach(function (list) {
      var fieldId = list.id.slice(0, -"_error".length);
      var field = document.getElementById(fieldId);
      if (!field) {
        return;
      }
      var label = document.querySelector('label[for="' + fieldId + '"]');
      var name = field.getAttribute("aria-label") || (label ? label.textContent : fieldId);
      var link = document.createElement("a");
      link.href = "#" + fieldId;
      link.textContent = name.replace(/\s*:\s*$/, "").trim() + " : " + list.textContent.trim();
      link.addEventListener("click", function (event) {
        event.preventDefault();
        // An autocomplete's <select> is hidden behind select2's own combobox.
        var widget = field.nextElementSibling;
        var combobox = widget && widget.classList.contains("select2-container")
          ? widget.querySelector(".select2-selection") : null;
        (combobox || field).focus();
      });
      var item = document.createElement("li");
      item.appendChild(link);
      items.push(item);
    });
    if (items.length) {
      var list = document.createElement("ul");
      list.className = "error-summary";
      items.forEach(function (item) { list.appendChild(item); });
      note.insertAdjacentElement("afterend", list);
    }
    note.setAttribute("tabindex", "-1");
    // After the load event: Django's change_form.js (loaded async) focuses the form's
    // first control on add pages, and must not take the focus back from the note.
    window.addEventListener("load", function () {
      note.focus();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    summariseErrors();
    nameAll();
    // Observers run before the browser's next task: no moment without the names.
    new MutationObserver(function (mutations) {
      for (var i = 0; i < mutations.length; i++) {
        if (mutations[i].addedNodes.length) {
          nameAll();
          nameOpenDropdown();
          return;
        }
      }
    }).observe(document.body, { childList: true, subtree: true });
  });
})();
