// The live score preview of the self-assessment form. The form's answers
// (not its files) are posted to the server, which scores them with the same
// library call as a save and answers with the score card's HTML; nothing is
// stored. Without this script the preview shows the saved draft.
(function () {
  'use strict';
  var form = document.querySelector('form[data-preview]');
  var area = document.getElementById('score-preview');
  var live = document.getElementById('score-live');
  if (!form || !area || !live || !window.fetch || !window.FormData || !window.URLSearchParams) return;
  var timer = null;
  var asked = 0;
  function refresh() {
    var body = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (typeof value === 'string') body.append(name, value);
    });
    var mine = ++asked;
    area.setAttribute('aria-busy', 'true');
    fetch(form.getAttribute('data-preview'), {
      method: 'POST',
      body: body,
      credentials: 'same-origin',
      headers: { Accept: 'text/html' }
    }).then(function (r) {
      return r.text();
    }).then(function (html) {
      if (mine !== asked) return;
      var open = area.querySelector('details[open]') !== null;
      area.innerHTML = html;
      if (open) {
        var d = area.querySelector('details');
        if (d) d.open = true;
      }
      var total = area.querySelector('[data-summary]');
      var problem = area.querySelector('.field-error');
      live.textContent = total ? total.getAttribute('data-summary') : (problem ? problem.textContent : '');
      live.hidden = false;
    }).catch(function () {
      // The preview is a convenience: the saved draft's figure stays shown.
    }).then(function () {
      if (mine === asked) area.removeAttribute('aria-busy');
    });
  }
  function soon(delay) {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, delay);
  }
  form.addEventListener('change', function (e) {
    if (e.target && e.target.type !== 'file') soon(150);
  });
  form.addEventListener('input', function (e) {
    if (e.target && e.target.tagName === 'TEXTAREA') soon(600);
  });
})();

// The reason field of an indicator shows only when "Tidak berlaku" is chosen
// (or when it already holds text or an error). Without this script every
// reason field shows, and the server checks them all the same.
(function () {
  'use strict';
  var sets = document.querySelectorAll('fieldset.indicator');
  Array.prototype.forEach.call(sets, function (set) {
    var reason = set.querySelector('textarea[name^="na."]');
    if (!reason) return;
    var field = reason.closest('.field');
    var radios = set.querySelectorAll('input[type=radio][name^="v."]');
    function update() {
      var na = set.querySelector('input[type=radio][value="__na"]:checked') !== null;
      field.hidden = !(na || reason.value.trim() !== '' || reason.getAttribute('aria-invalid') === 'true');
    }
    Array.prototype.forEach.call(radios, function (r) { r.addEventListener('change', update); });
    update();
  });
})();
