/* The practice list, with JavaScript (everything works without it):
   - the filters panel (<details>) is open on wide screens, where it is a sidebar;
   - the submitted form leaves no empty parameter in the address (q=&annee=&tri=recent);
   - after filtering, focus moves to the results heading, which gives their number. */
(function () {
  "use strict";
  var form = document.getElementById("filtres");
  var panel = document.getElementById("filtres-panneau");
  if (!form || !panel) {
    return;
  }
  var FLAG = "portal-list-filtered";

  var wide = window.matchMedia("(min-width: 56rem)");
  if (wide.matches) {
    panel.open = true;
  }
  wide.addEventListener("change", function (event) {
    panel.open = event.matches;
  });

  // The sort select always holds a value; it is sent only if the address had it or the
  // person changed it (else a new search would keep « recent » instead of relevance).
  var sortChosen = new URLSearchParams(window.location.search).has("tri");
  var sort = form.elements.namedItem("tri");
  if (sort) {
    sort.addEventListener("change", function () {
      sortChosen = true;
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var data = new FormData(form);
    var query = String(data.get("q") || "").trim();
    var defaultSort = query ? "pertinence" : "recent";
    var params = new URLSearchParams();
    data.forEach(function (value, name) {
      value = String(value);
      if (value.trim() === "" || (name === "tri" && (!sortChosen || value === defaultSort))) {
        return;
      }
      params.append(name, value);
    });
    try {
      window.sessionStorage.setItem(FLAG, "1");
    } catch (error) {
      /* storage refused: no focus move, the page still loads */
    }
    var search = params.toString();
    window.location.assign(form.getAttribute("action") + (search ? "?" + search : ""));
  });

  var filtered = null;
  try {
    filtered = window.sessionStorage.getItem(FLAG);
    window.sessionStorage.removeItem(FLAG);
  } catch (error) {
    filtered = null;
  }
  if (filtered) {
    var heading = document.getElementById("resultats");
    if (heading) {
      heading.focus();
    }
  }
})();
