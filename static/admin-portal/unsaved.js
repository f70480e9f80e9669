// An admin form with unsaved changes is not left by mistake: closing the tab, following a
// link (the breadcrumbs, « Supprimer », « Historique », « Déconnexion ») or going back asks
// the browser's own « Quitter la page ? » first. Saving never asks. Hours of typing in a
// practice's description were otherwise one click away from being lost.
(function () {
  "use strict";

  // Django's add and change forms are "<model>_form"; the list's bulk form is not guarded.
  var form = document.querySelector("#content-main form[id$='_form']");
  if (!form) {
    return;
  }
  // Sent back with an error, the form holds what was typed, saved nowhere yet.
  var changed = document.querySelector("#content-main .errornote") !== null;

  function markChanged(event) {
    // Only what the editor does: scripts building the page fire no trusted events.
    if (event.isTrusted !== false) {
      changed = true;
    }
  }

  form.addEventListener("input", markChanged);
  form.addEventListener("change", markChanged);
  // The search-as-you-type fields (select2) report their choices through jQuery only.
  if (window.django && window.django.jQuery) {
    window.django.jQuery(form).on("select2:select select2:unselect", function () {
      changed = true;
    });
  }
  form.addEventListener("submit", function () {
    changed = false;
  });
  window.addEventListener("beforeunload", function (event) {
    if (changed) {
      event.preventDefault();
      // Older browsers ask only when a value is returned; its text is not shown.
      event.returnValue = "";
    }
  });
})();
