// Nothing typed is lost. Without JavaScript every form still saves with its
// own button (and a review's comments are one form, so one button saves them
// all); with it:
// - a form marked data-autosave="1" saves as the user types (a short pause
//   after the last key) and tells what was saved and when;
// - leaving a page while a form holds unsaved text asks first (the browser's
//   own question), and an autosaved form is sent once more on the way out.
(function () {
  if (!window.fetch || !window.FormData || !window.URLSearchParams) return;
  var en = document.documentElement.lang === 'en';
  var forms = Array.prototype.slice.call(document.querySelectorAll('form[method="post"]'));
  var saved = new Map(); // form -> its content as last saved (or as loaded)
  var savedAt = new Map(); // form -> the time of its last save, as shown
  var timers = new Map();
  var submitting = null;

  function content(form) {
    var data = new URLSearchParams(new FormData(form));
    data.delete('csrf');
    return data.toString();
  }
  function statusFor(form, el) {
    var block = el && el.closest ? el.closest('.comment-block') : null;
    return (block && block.querySelector('.autosave-status')) || form.querySelector('.autosave-status') ||
      (form.id ? document.querySelector('[form="' + form.id + '"] ~ .autosave-status') : null);
  }
  function say(el, text) { if (el) el.textContent = text; }
  function clock() {
    var d = new Date();
    var hh = String(d.getHours()).padStart(2, '0');
    var mm = String(d.getMinutes()).padStart(2, '0');
    return en ? hh + ':' + mm : hh + '.' + mm;
  }
  function body(form) {
    var data = new URLSearchParams(new FormData(form));
    data.append('autosave', '1');
    return data;
  }
  function save(form, el) {
    var now = content(form);
    var status = statusFor(form, el);
    if (now === saved.get(form)) {
      // Back to what is stored (after a refused change, say): nothing to send.
      if (status && status.textContent) say(status, (en ? 'Saved at ' : 'Sparat kl. ') + (savedAt.get(form) || clock()) + '.');
      return;
    }
    say(status, en ? 'Saving…' : 'Sparar …');
    fetch(form.action, { method: 'POST', body: body(form), credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
      .then(function (r) {
        if (r.ok) {
          saved.set(form, now);
          savedAt.set(form, clock());
          say(status, (en ? 'Saved at ' : 'Sparat kl. ') + clock() + '.');
          return;
        }
        return r.json().then(function (j) {
          var msgs = j && j.errors ? Object.keys(j.errors).map(function (k) { return j.errors[k]; }) : [];
          say(status, (en ? 'Not saved: ' : 'Inte sparat: ') +
            (msgs.length ? msgs.join(' ') : (en ? 'check the text and press Save.' : 'kontrollera texten och tryck på Spara.')));
        }, function () {
          say(status, en ? 'Not saved: check the text and press Save.' : 'Inte sparat: kontrollera texten och tryck på Spara.');
        });
      })
      .catch(function () {
        say(status, en ? 'Not saved: no connection. Your text is still here.' : 'Inte sparat: ingen anslutning. Texten finns kvar här.');
      });
  }
  function later(form, el, ms) {
    clearTimeout(timers.get(form));
    timers.set(form, setTimeout(function () { save(form, el); }, ms));
  }

  forms.forEach(function (f) { saved.set(f, content(f)); });
  function onEdit(e) {
    var form = e.target && e.target.form;
    if (!form || form.getAttribute('data-autosave') !== '1') return;
    // Text is saved after a pause in typing; a choice at once.
    later(form, e.target, e.type === 'input' && /^(TEXTAREA|INPUT)$/.test(e.target.tagName) ? 900 : 300);
  }
  document.addEventListener('input', onEdit);
  document.addEventListener('change', onEdit);
  document.addEventListener('submit', function (e) { submitting = e.target; }, true);
  window.addEventListener('beforeunload', function (e) {
    var unsaved = false;
    forms.forEach(function (f) {
      if (f === submitting || !document.contains(f) || content(f) === saved.get(f)) return;
      if (f.getAttribute('data-autosave') === '1') {
        // One last try that outlives the page.
        try {
          fetch(f.action, { method: 'POST', body: body(f), credentials: 'same-origin', keepalive: true, headers: { 'Accept': 'application/json' } });
        } catch (err) { /* the question below still stands */ }
      }
      unsaved = true;
    });
    if (unsaved) { e.preventDefault(); e.returnValue = ''; }
  });
})();
