// Small conveniences for the sandbox pages. Everything works without this file:
// it only submits the country choice at once and makes the "close window" button work.
document.addEventListener('DOMContentLoaded', function () {
  var country = document.querySelector('[data-testid="country-form"] select');
  if (country) {
    country.addEventListener('change', function () { country.form.submit(); });
  }
  var close = document.querySelector('[data-close-window]');
  if (close) {
    close.addEventListener('click', function () { window.close(); });
  }
});
