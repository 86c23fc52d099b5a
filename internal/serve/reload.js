// pipegen serve: reloads the page when the site is rebuilt. The page knows
// the build it came from; any other build id from the server means reload.
// The connection closes when the page is hidden (so many tabs and the
// back/forward cache keep working) and EventSource reconnects by itself
// after the server restarts.
(function () {
  'use strict';
  var script = document.currentScript;
  var build = script && script.getAttribute('data-build');
  var source = null;
  function connect() {
    if (source) return;
    source = new EventSource('/_pipegen/events');
    var check = function (e) {
      if (e.data && e.data !== build) {
        source.close();
        location.reload();
      }
    };
    source.addEventListener('hello', check);
    source.addEventListener('reload', check);
  }
  window.addEventListener('pagehide', function () {
    if (source) { source.close(); source = null; }
  });
  window.addEventListener('pageshow', function () { connect(); });
  connect();
})();
