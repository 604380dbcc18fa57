// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  if (window.GOVUKFrontend && document.body.classList.contains("govuk-frontend-supported")) {
    window.GOVUKFrontend.initAll();
  }
})();
