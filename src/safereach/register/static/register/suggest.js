// Suggestions for the register's search box: names and postcodes of entries on the register that
// hold what has been typed, offered through the browser's own list (a datalist).
(function () {
  var input = document.querySelector("input[data-suggest]");
  var list = document.getElementById("register-suggestions");
  if (!input || !list || !window.fetch) return;
  var timer = null;
  var asked = "";
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var text = input.value.trim();
      if (text.length < 2 || text === asked) return;
      asked = text;
      fetch(input.getAttribute("data-suggest") + "?q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (body) {
          if (text !== asked) return;
          list.textContent = "";
          body.suggestions.forEach(function (value) {
            var option = document.createElement("option");
            option.value = value;
            list.appendChild(option);
          });
        })
        .catch(function () {});
    }, 200);
  });
})();
