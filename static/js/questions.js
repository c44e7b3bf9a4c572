/* Silent contact: closed questions the caller answers with a large Yes or No button.

   The specialist sends a question by id (the server words it in the caller's language) or
   types their own and ticks "Ask as yes/no". The answer is a chat line too, so it is in the
   record; the specialist sees the English beside anything the caller read in their language. */
(function () {
  "use strict";

  /* Runs after the page has drawn a chat line: finds that line by the order it was added. */
  function lastLine(list) { return list.lastElementChild; }

  function english(li, m) {
    if (!m.english || m.english === m.text || li.querySelector(".english")) return;
    var span = document.createElement("span");
    span.className = "english";
    span.lang = "en";
    span.textContent = " (" + m.english + ")";
    li.appendChild(span);
  }

  var Questions = {};

  /* The caller's page: Yes and No under each question; answering one closes the earlier ones. */
  Questions.victim = function (call, list) {
    var drawn = {};
    function show(m, li) {
      if (drawn[m.id]) return;
      drawn[m.id] = true;
      if (m.answer) { closeAll(); return; }
      if (!m.question || m.role !== "staff" || !li) return;
      var row = document.createElement("div");
      row.className = "yes-no";
      ["yes", "no"].forEach(function (value) {
        var b = document.createElement("button");
        b.type = "button";
        b.className = "answer answer-" + value;
        b.textContent = list.getAttribute("data-" + value);
        b.addEventListener("click", function () {
          call.send({ type: "answer", to: m.id, answer: value });
          closeAll();
        });
        row.appendChild(b);
      });
      li.appendChild(row);
    }
    function closeAll() {
      list.querySelectorAll(".yes-no button").forEach(function (b) { b.disabled = true; });
    }
    call.hooks.push(function (m) {
      if (m.type === "chat") show(m, lastLine(list));
      // After a reload the history is drawn in order: only a question still unanswered gets buttons.
      if (m.type === "hello") {
        m.chat.forEach(function (c, i) { show(c, list.children[i]); });
        closeAll();
        var last = m.chat[m.chat.length - 1];
        if (last && last.question && last.role === "staff") {
          list.children[m.chat.length - 1].querySelectorAll("button").forEach(function (b) { b.disabled = false; });
        }
      }
    });
  };

  /* The specialist's page: quick-question buttons, "Ask as yes/no", and the English beside each line. */
  Questions.staff = function (call, list) {
    var drawn = {};
    call.hooks.push(function (m) {
      if (m.type === "hello") m.chat.forEach(function (c, i) { mark(c, list.children[i]); });
      if (m.type === "chat") mark(m, lastLine(list));
    });
    function mark(m, li) {
      if (drawn[m.id]) return;
      drawn[m.id] = true;
      if (!li) return;
      english(li, m);
      if (m.question) li.classList.add("question");
      if (m.answer) li.classList.add("answer");
    }
    document.querySelectorAll("[data-question]").forEach(function (b) {
      b.addEventListener("click", function () { call.send({ type: "question", id: b.getAttribute("data-question") }); });
    });
    var form = document.getElementById("chat-form");
    var asYesNo = document.getElementById("ask-yes-no");
    var input = document.getElementById("chat-text");
    if (!form || !asYesNo) return;
    // Runs before the chat form's own handler (capture), which then finds the box empty and sends nothing.
    form.addEventListener("submit", function (e) {
      if (!asYesNo.checked) return;
      var text = input.value.trim();
      if (!text) return;
      e.preventDefault();
      e.stopImmediatePropagation();
      call.send({ type: "question", text: text });
      input.value = "";
      asYesNo.checked = false;
    }, true);
  };

  window.Questions = Questions;
})();
