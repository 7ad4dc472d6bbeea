// The ipywidgets embedder (vendor/embed-amd.js) loads its icon fonts from paths it derives
// from the page's address; point both of its guesses at the folder it really lives in.
(function () {
  var here = document.currentScript && document.currentScript.src;
  if (!here) {
    return;
  }
  var vendor = new URL("vendor/", here).href;
  window.__jupyter_widgets_assets_path__ = vendor;
  if (typeof window.require === "undefined") {
    // Read by require.js when it loads (only on pages with widgets).
    // Every @jupyter-widgets module (all defined inside embed-amd.js) then resolves to
    // vendor/, and so do the public paths the embedder's bundles compute from them.
    var folder = vendor.replace(/\/$/, "");
    window.require = { paths: { "@jupyter-widgets/html-manager/dist": folder, "@jupyter-widgets": folder } };
  }
})();

// The embedder typesets widget labels with MathJax 2's MathJax.Hub.Queue; the book loads
// MathJax 3, which has no Hub. Forward those calls to MathJax 3's typesetPromise.
document.addEventListener("DOMContentLoaded", function () {
  if (window.MathJax && !window.MathJax.Hub) {
    window.MathJax.Hub = {
      Queue: function (job) {
        var element = job && job[2];
        if (element && window.MathJax.typesetPromise) {
          window.MathJax.typesetPromise([element]).catch(function () {});
        }
      },
    };
  }
});
