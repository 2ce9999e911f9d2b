// The review page, enhanced: the verified score of the answers on the form
// (posted to the server, which compares them with the operator's with the
// same library call as recording them; nothing is stored), the operator's
// answers of one criterion copied in place, and the filter of the indicators
// that differ or lack evidence without a reload. Without this script the
// same buttons post the form and the server re-shows it.
(function () {
  'use strict';
  var form = document.getElementById('review-form');
  if (!form || !window.fetch || !window.FormData || !window.URLSearchParams) return;
  var area = document.getElementById('verified-score');
  var url = form.getAttribute('data-preview');
  var timer = null;
  var asked = 0;

  function refresh() {
    if (!area || !url) return;
    var body = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (typeof value === 'string') body.append(name, value);
    });
    var mine = ++asked;
    area.setAttribute('aria-busy', 'true');
    fetch(url, {
      method: 'POST',
      body: body,
      credentials: 'same-origin',
      headers: { Accept: 'text/html' }
    }).then(function (r) {
      return r.text();
    }).then(function (html) {
      if (mine === asked) area.innerHTML = html;
    }).catch(function () {
      // The score is a convenience: the confirmation page shows it again.
    }).then(function () {
      if (mine === asked) area.removeAttribute('aria-busy');
    });
  }
  function soon(delay) {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, delay);
  }

  // Whether an indicator needs attention: the verifier's answer differs
  // from the operator's, or no file supports it.
  function needs(set) {
    var checked = set.querySelector('input[type=radio]:checked');
    var differs = checked !== null && checked.value !== set.getAttribute('data-operator');
    var badge = set.querySelector('legend .differs');
    if (badge) badge.hidden = !differs;
    return differs || set.getAttribute('data-no-evidence') === '1';
  }

  var filter = form.querySelector('button[data-filter]');
  var filtering = false;
  var status = null;
  function applyFilter() {
    var sets = form.querySelectorAll('fieldset.indicator');
    var shown = 0;
    Array.prototype.forEach.call(sets, function (set) {
      var show = !filtering || needs(set);
      set.hidden = !show;
      if (show) shown++;
    });
    Array.prototype.forEach.call(form.querySelectorAll('section.criterion'), function (sec) {
      sec.hidden = filtering && sec.querySelector('fieldset.indicator:not([hidden])') === null;
    });
    if (status) status.textContent = filtering ? status.getAttribute('data-only') + ': ' + shown : '';
  }
  if (filter && filter.getAttribute('data-filter') === 'attention') {
    // Only this page's indicators are here: the script filters them in place.
    status = document.createElement('p');
    status.setAttribute('role', 'status');
    status.setAttribute('data-only', document.documentElement.lang === 'en'
      ? 'Only the indicators that differ from the operator\u2019s answer or lack evidence'
      : 'Hanya indikator yang berbeda dari jawaban operator atau tanpa bukti');
    filter.parentNode.insertBefore(status, filter);
    var labels = [filter.textContent.trim(), document.documentElement.lang === 'en'
      ? 'Show every indicator' : 'Tampilkan semua indikator'];
    filter.addEventListener('click', function (e) {
      e.preventDefault();
      filtering = !filtering;
      filter.setAttribute('aria-pressed', filtering ? 'true' : 'false');
      filter.textContent = labels[filtering ? 1 : 0];
      applyFilter();
    });
  }

  // "Sama dengan jawaban operator": the operator's answers of one criterion, copied in place.
  Array.prototype.forEach.call(form.querySelectorAll('button[data-copy]'), function (button) {
    button.addEventListener('click', function (e) {
      e.preventDefault();
      var section = button.closest('section');
      if (!section) return;
      var copied = 0;
      Array.prototype.forEach.call(section.querySelectorAll('fieldset.indicator'), function (set) {
        var value = set.getAttribute('data-operator');
        if (!value) return;
        Array.prototype.forEach.call(set.querySelectorAll('input[type=radio]'), function (r) {
          if (r.value === value) { r.checked = true; copied++; }
        });
      });
      var note = section.querySelector('.copy [role=status]');
      if (!note) {
        note = document.createElement('p');
        note.setAttribute('role', 'status');
        button.parentNode.appendChild(note);
      }
      note.textContent = (document.documentElement.lang === 'en'
        ? 'Operator\u2019s answers copied: ' : 'Jawaban operator disalin: ') + copied;
      if (filtering) applyFilter();
      soon(50);
    });
  });

  form.addEventListener('change', function (e) {
    if (e.target && e.target.type === 'radio') {
      var set = e.target.closest('fieldset.indicator');
      if (set) needs(set);
      soon(150);
    } else if (e.target === form) {
      // The answers kept on the phone were put back (offline.js).
      soon(150);
    }
  });
  // Scored again when the connection returns (a preview asked offline failed).
  window.addEventListener('online', function () { soon(50); });
  form.addEventListener('input', function (e) {
    if (e.target && e.target.tagName === 'TEXTAREA') soon(600);
  });
})();
