/* sagsbro: starts Det Fælles Designsystem's components and wires small page behaviour.
   Loaded as a file from our own origin so the Content Security Policy allows no inline script. */
(function () {
  "use strict";

  function initDesignSystem(scope) {
    if (window.DKFDS && typeof window.DKFDS.init === "function") {
      window.DKFDS.init(scope ? { scope: scope } : undefined);
    }
  }

  // Log-in page in the demo: fill in a demo user's name and password.
  function wireDemoLogins() {
    document.querySelectorAll(".demo-login-fill").forEach(function (button) {
      button.addEventListener("click", function () {
        var username = document.getElementById("id_username");
        var password = document.getElementById("id_password");
        if (!username || !password) {
          return;
        }
        username.value = button.getAttribute("data-username");
        password.value = button.getAttribute("data-password");
        var submit = username.form && username.form.querySelector("button[type=submit]");
        (submit || password).focus();
      });
    });
  }

  // Tell screen reader users what a swapped-in result list shows (its [data-announce] line).
  var ANNOUNCERS = {
    "case-results": "case-count-announcement",
    "citizen-results": "citizen-search-announcement",
  };
  function announceResults(target) {
    var live = document.getElementById(ANNOUNCERS[target.id]);
    var source = target.querySelector("[data-announce]");
    if (live && source) {
      live.textContent = source.textContent.replace(/\s+/g, " ").trim();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.documentElement.classList.remove("no-js");
    document.documentElement.classList.add("js");
    initDesignSystem();
    wireDemoLogins();
  });

  // Swapped-in tables get the design system's small-screen headers too.
  function initResponsiveTables(scope) {
    if (!window.DKFDS || !window.DKFDS.ResponsiveTable) {
      return;
    }
    scope.querySelectorAll("table[class*='responsive-headers']").forEach(function (table) {
      new window.DKFDS.ResponsiveTable(table);
    });
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (target && target.id === "case-results") {
      initResponsiveTables(target);
    }
    if (target && ANNOUNCERS[target.id]) {
      announceResults(target);
    }
  });
})();
