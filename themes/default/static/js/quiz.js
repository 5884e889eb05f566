// Self-check quiz for lesson pages. Runs only in the reader's browser:
// nothing is sent anywhere. Without this script every question still shows
// its answer and explanation in a <details> element.
(function () {
  "use strict";
  function setup(quiz) {
    var items = quiz.querySelectorAll(".pf-quiz-item");
    var score = quiz.querySelector(".pf-quiz-score");
    var total = items.length;
    function update() {
      var answered = 0, right = 0;
      for (var i = 0; i < items.length; i++) {
        var state = items[i].getAttribute("data-result");
        if (state) answered++;
        if (state === "right") right++;
      }
      score.hidden = answered === 0;
      score.textContent = "已答 " + answered + " / " + total + " 题，答对 " + right + " 题" +
        (answered === total ? (right === total ? "。全部正确，真棒！" : "。可以展开“查看答案”看看解析。") : "。");
      quiz.setAttribute("data-answered", String(answered));
      quiz.setAttribute("data-right", String(right));
    }
    Array.prototype.forEach.call(items, function (item) {
      var answer = item.getAttribute("data-answer");
      var feedback = item.querySelector(".pf-quiz-feedback");
      item.addEventListener("change", function (ev) {
        var input = ev.target;
        if (!input || input.type !== "radio") return;
        var ok = input.value === answer;
        item.setAttribute("data-result", ok ? "right" : "wrong");
        var labels = item.querySelectorAll(".pf-quiz-option");
        for (var j = 0; j < labels.length; j++) {
          var radio = labels[j].querySelector("input");
          labels[j].classList.toggle("is-right", radio.value === answer && radio.checked);
          labels[j].classList.toggle("is-wrong", radio.value !== answer && radio.checked);
        }
        feedback.textContent = ok ? "✓ 回答正确。" : "✗ 不对，正确答案是 " + answer + "。";
        feedback.className = "pf-quiz-feedback " + (ok ? "is-right" : "is-wrong");
        update();
      });
    });
    quiz.classList.add("pf-quiz-live");
  }
  function init() {
    var quizzes = document.querySelectorAll(".pf-quiz");
    for (var i = 0; i < quizzes.length; i++) setup(quizzes[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
