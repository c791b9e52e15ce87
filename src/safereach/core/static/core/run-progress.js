// Keeps a term plan's progress (planning it, or applying it) up to date without reloading:
// asks the run's progress endpoint every couple of seconds, and reloads the page once the work
// has ended, so the plan, what applying booked, or the reason it failed shows. Without
// JavaScript the page has a link to check.
(function () {
  var panel = document.getElementById("plan-progress");
  if (!panel || !window.fetch) return;
  var url = panel.getAttribute("data-progress-url");
  var bar = panel.querySelector("progress");
  var percent = panel.querySelector("[data-plan-percent]");
  var text = panel.querySelector("[data-plan-text]");
  var left = panel.querySelector("[data-plan-seconds-left]");
  var tag = panel.querySelector("[data-plan-state] .govuk-tag");
  var tagColours = { waiting: "govuk-tag--grey", running: "govuk-tag--blue", applying: "govuk-tag--blue" };

  function show(data) {
    bar.value = data.percent;
    bar.textContent = data.percent + "%";
    percent.textContent = data.percent + "%";
    // The status region is announced by screen readers: change it only when the words change.
    if (data.text && text.textContent !== data.text) text.textContent = data.text;
    if (left) left.textContent = data.seconds_left === null ? "" : ", about " + data.seconds_left + " left";
    if (tag) {
      tag.textContent = data.state_label;
      tag.className = "govuk-tag " + (tagColours[data.state] || "");
    }
  }

  function check() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error("progress answered " + response.status);
        return response.json();
      })
      .then(function (data) {
        if (data.finished) {
          window.location.replace(data.url);
          return;
        }
        show(data);
        window.setTimeout(check, 1500);
      })
      .catch(function () {
        window.setTimeout(check, 5000); // the server may be busy or restarting: try again later
      });
  }

  window.setTimeout(check, 1000);
})();
