/* policydocs: "show only changed sections" on a changes page. Without JavaScript the
   control stays hidden and the whole text, with every change marked, is shown. */
(function () {
  function setup() {
    var root = document.querySelector(".pd-redline");
    var control = document.querySelector(".pd-only-changes-control");
    if (!root || !control) return;
    var sections = [[]];
    Array.prototype.forEach.call(root.children, function (element) {
      if (/^H[1-6]$/.test(element.tagName)) sections.push([]);
      sections[sections.length - 1].push(element);
    });
    sections.forEach(function (elements) {
      var changed = elements.some(function (element) {
        // (marks of spacing alone, `.pd-space`, are not changes a reader sees; a heading
        // that changed level, `.pd-format`, is)
        var marks = "ins:not(.pd-space), del:not(.pd-space), pre.pd-block, .pd-format";
        return element.matches(marks) || element.querySelector(marks);
      });
      if (!changed) elements.forEach(function (element) { element.classList.add("pd-unchanged"); });
    });
    var button = control.querySelector("button");
    control.hidden = false;
    button.addEventListener("click", function () {
      var only = root.classList.toggle("pd-only-changes");
      button.setAttribute("aria-pressed", only ? "true" : "false");
      button.textContent = only ? "Show the whole text" : "Show only changed sections";
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
