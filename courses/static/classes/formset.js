// 添加课次 / 移除: clone the formset's empty form and keep TOTAL_FORMS in step.
// Without JavaScript a new class still gets its one required session.
(function () {
  "use strict";
  var box = document.querySelector("[data-formset]");
  if (!box) return;
  var prefix = box.getAttribute("data-prefix");
  var total = box.querySelector("#id_" + prefix + "-TOTAL_FORMS");
  var list = box.querySelector("[data-session-list]");
  var template = box.querySelector("template[data-session-template]");

  box.querySelector("[data-add-session]").addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    list.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var first = list.lastElementChild.querySelector("input[type=text]");
    if (first) first.focus();
  });

  // A never-saved row goes back to its initial values, which the server ignores as an
  // untouched extra form; only the last row leaves the DOM, so form indexes stay contiguous.
  // Saved sessions use their 删除 checkbox instead.
  list.addEventListener("click", function (event) {
    var button = event.target.closest("[data-remove-session]");
    if (!button) return;
    var row = button.closest(".lb-session-form");
    if (row === list.lastElementChild) {
      row.remove();
      total.value = String(parseInt(total.value, 10) - 1);
    } else {
      row.querySelectorAll("input").forEach(function (input) {
        input.value = input.defaultValue;
      });
      row.hidden = true;
    }
  });
})();
