/* policydocs: "which version applied on a given day?" on a history page, answered from the
   periods the build worked out (site.lookup: days in the site's time zone, the day a text
   changed belonging to both). Without JavaScript the form stays hidden and the table's
   effective dates answer the question. */
(function () {
  var format = new Intl.DateTimeFormat("en-GB", {
    day: "numeric", month: "long", year: "numeric", timeZone: "UTC"
  });
  function long(day) { return format.format(new Date(day + "T00:00:00Z")); }

  function setup() {
    var form = document.querySelector(".pd-lookup");
    if (!form) return;
    var periods = JSON.parse(form.querySelector(".pd-lookup-data").textContent);
    if (!periods.length) return;
    var input = form.querySelector("input");
    var output = form.querySelector("output");
    form.hidden = false;
    form.addEventListener("submit", function (event) { event.preventDefault(); answer(); });
    input.addEventListener("change", answer);
    input.addEventListener("input", answer);

    function answer() {
      var day = input.value;
      output.textContent = "";
      if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return;
      var found = periods.filter(function (period) {
        return period.first <= day && (period.last === null || day <= period.last);
      });
      if (!found.length) {
        output.append("On " + long(day) + ": none yet; the first version took effect on " +
          long(periods[0].first) + ".");
        return;
      }
      output.append("On " + long(day) + ": ");
      found.forEach(function (period, index) {
        if (index) output.append(", then ");
        if (period.label === null) {
          output.append("no version (withdrawn)");
          return;
        }
        var link = document.createElement("a");
        link.href = period.url;
        link.textContent = "version " + period.label;
        output.append(link);
      });
      output.append(found.length > 1 ? ". It changed that day." : ".");
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
