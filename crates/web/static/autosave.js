// Saves an area's answers as soon as one changes, so nothing is lost if the
// browser closes. Without JavaScript the form's buttons save the same way.
(function () {
  var form = document.querySelector('form[data-autosave="1"]');
  if (!form || !window.fetch || !window.FormData) return;
  var status = form.querySelector('.autosave-status');
  var timer = null;
  function save() {
    var data = new URLSearchParams(new FormData(form));
    data.append('autosave', '1');
    fetch(form.action, { method: 'POST', body: data, credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
      .then(function (r) {
        if (status) status.textContent = r.ok ? (document.documentElement.lang === 'en' ? 'Saved.' : 'Sparat.') :
          (document.documentElement.lang === 'en' ? 'Could not save – check the answer and press Save.' : 'Kunde inte spara – kontrollera svaret och tryck på Spara.');
      })
      .catch(function () {
        if (status) status.textContent = document.documentElement.lang === 'en' ? 'Not saved: no connection.' : 'Inte sparat: ingen anslutning.';
      });
  }
  form.addEventListener('change', function () { clearTimeout(timer); timer = setTimeout(save, 300); });
})();
