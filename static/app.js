// Raseed: the few behaviours htmx attributes cannot express. No inline script anywhere (the
// CSP forbids it), no eval (htmx's allowEval is off): plain listeners on the document.
(function () {
  'use strict';

  var MODAL_BODY_ID = 'package-modal-body';
  var PATIENT_MODAL_BODY_ID = 'patient-modal-body';

  function byId(id) {
    return document.getElementById(id);
  }

  function hasPatient() {
    return document.querySelector('#booking-form [name="patient_id"]') !== null;
  }

  function packageChosen() {
    return document.querySelector('#booking-form [name="package_purchase_id"]') !== null;
  }

  function backToSingleSession() {
    var single = document.querySelector('#booking-form [name="appointment_type"][value="single"]');
    if (single) single.checked = true;
  }

  // "Use package" needs a patient: say so at once, without asking the server.
  document.addEventListener('htmx:confirm', function (event) {
    if (event.detail.elt.id !== 'type-package') return;
    byId('package-hint').hidden = hasPatient();
    if (!hasPatient()) {
      event.preventDefault();
      backToSingleSession();
      byId('patient-search').focus();
    }
  });

  // A modal opens as soon as its content is asked for, empty but for its loading line.
  document.addEventListener('htmx:beforeRequest', function (event) {
    var target = event.detail.target;
    if (target.id !== MODAL_BODY_ID && target.id !== PATIENT_MODAL_BODY_ID) return;
    var dialog = target.closest('dialog');
    if (!dialog || dialog.open) return;
    target.replaceChildren();
    dialog.showModal();
  });

  // After settling, when htmx has wired up the new buttons: focusing earlier would let a fast
  // Enter press a button that does nothing yet.
  document.addEventListener('htmx:afterSettle', function (event) {
    // A page restored from history (the reports' back button) settles without a target.
    var target = event.detail.target;
    if (!target) return;
    if (target.id === MODAL_BODY_ID) {
      // Straight to the likeliest choice: the suggested package, else the first one.
      var first =
        target.querySelector('[aria-invalid="true"]') ||
        target.querySelector('#sale-form [autofocus]') ||
        target.querySelector('.package-card.suggested button') ||
        target.querySelector('.package-card button') ||
        target.querySelector('.modal-close');
      if (first) first.focus();
    }
    if (target.id === PATIENT_MODAL_BODY_ID) {
      // The first field to fix, else the possible duplicates, else the first field.
      var field =
        target.querySelector('[aria-invalid="true"]') ||
        target.querySelector('#possible-duplicates button') ||
        target.querySelector('[autofocus]');
      if (field) field.focus();
    }
  });

  // A new patient starts a new booking: a single session again, no hint left over. At once,
  // on the swap: a quick "Use package" after it must not be undone.
  document.addEventListener('htmx:afterSwap', function (event) {
    if (!event.detail.target || event.detail.target.id !== 'patient-choice') return;
    byId('package-hint').hidden = true;
    backToSingleSession();
    // Registered or picked from the quick-add dialog: on with the booking.
    var quickAdd = byId('patient-modal');
    if (quickAdd && quickAdd.open) {
      quickAdd.close();
      document.querySelector('#booking-form [name="appointment_type"]:checked').focus();
    }
  });

  // This desk's own booking comes back over the event stream before its answer does: the parts
  // of the form it would re-fetch are about to be replaced by the confirmation, so skip them.
  var booking = false;
  document.addEventListener('htmx:beforeRequest', function (event) {
    if (event.detail.elt.id === 'booking-form') booking = true;
  });
  document.addEventListener('htmx:afterRequest', function (event) {
    if (event.detail.elt.id === 'booking-form') booking = false;
  });
  document.addEventListener('htmx:confirm', function (event) {
    var trigger = event.detail.triggeringEvent;
    if (booking && trigger && trigger.type.indexOf('sse:') === 0) event.preventDefault();
  });

  // A status changed from a list (my day, the calendar): that list shows it at once, without
  // waiting for the event stream.
  document.addEventListener('htmx:afterRequest', function (event) {
    var selector = event.detail.elt.getAttribute('data-refresh');
    var list = selector && event.detail.successful && document.querySelector(selector);
    if (list) htmx.trigger(list, 'raseed:refresh');
  });

  // A package chosen from the patient's shortcut (not the modal): the booking uses it.
  document.addEventListener('htmx:afterSwap', function (event) {
    var target = event.detail.target;
    if (!target || target.id !== 'package-section' || !packageChosen()) return;
    var usePackage = byId('type-package');
    if (usePackage) usePackage.checked = true;
    byId('package-hint').hidden = true;
    var shortcut = byId('suggested-package');
    if (shortcut) shortcut.hidden = true;
  });

  // The server answers a chosen package with this event (HX-Trigger).
  document.addEventListener('raseed:close-package-modal', function () {
    var dialog = byId('package-modal');
    if (dialog && dialog.open) dialog.close();
  });

  document.addEventListener('click', function (event) {
    var closer = event.target.closest('[data-close-dialog]');
    if (closer) closer.closest('dialog').close();
  });

  // Closed without choosing (Escape, ×): the booking is a single session again.
  document.addEventListener(
    'close',
    function (event) {
      if (event.target.id === 'package-modal' && !packageChosen()) backToSingleSession();
    },
    true,
  );

  // Tab wraps inside an open dialog instead of leaving for the browser's toolbar.
  document.addEventListener('keydown', function (event) {
    var dialog = event.key === 'Tab' && document.querySelector('dialog[open]');
    if (!dialog) return;
    var focusable = dialog.querySelectorAll('button:not([disabled]), a[href], input, select');
    var first = focusable[0];
    var last = focusable[focusable.length - 1];
    if (!first) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  });

  // Arrow keys move from the search box through the results and back.
  document.addEventListener('keydown', function (event) {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp' && event.key !== 'Escape') return;
    var search = byId('patient-search');
    var results = Array.prototype.slice.call(document.querySelectorAll('#patient-results button'));
    if (!search || results.length === 0) return;
    var index = results.indexOf(document.activeElement);
    if (document.activeElement !== search && index < 0) return;
    event.preventDefault();
    if (event.key === 'Escape') return search.focus();
    var next = index + (event.key === 'ArrowDown' ? 1 : -1);
    if (next < 0) search.focus();
    else results[Math.min(next, results.length - 1)].focus();
  });

  // The sale's amount follows the discount (the net price) until the desk types an amount.
  document.addEventListener('input', function (event) {
    var input = event.target;
    var form = input.closest && input.closest('#sale-form');
    if (!form) return;
    var amount = form.querySelector('[data-net-amount]');
    if (input === amount) amount.dataset.edited = 'true';
    if (!input.hasAttribute('data-discount') || amount.dataset.edited) return;
    var discount = Number(input.value.trim() || '0');
    var net = Math.round(Number(form.dataset.price) * 100) - Math.round(discount * 100);
    if (Number.isFinite(net) && net >= 0) amount.value = (net / 100).toFixed(2);
  });

  // A receipt's Print button (the page prints itself; its stylesheet hides the rest).
  document.addEventListener('click', function (event) {
    if (event.target.closest('[data-print]')) window.print();
  });
})();
