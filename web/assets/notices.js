// Written notices (第三十六条): the evidence list's 全选/全不选 toggle, and SHA-256 digests of attachments
// computed in the browser (the files themselves are never uploaded). Without script the forms work as they are.
(function () {
  function evidenceToggle(button) {
    var form = button.closest('form');
    var boxes = function () {
      return Array.prototype.slice.call(form.querySelectorAll('input[type=checkbox][name=evidence]'));
    };
    var label = function () {
      var all = boxes().every(function (b) {
        return b.checked;
      });
      button.textContent = all ? '全不选' : '全选';
      return all;
    };
    button.hidden = false;
    label();
    button.addEventListener('click', function () {
      var all = label();
      boxes().forEach(function (b) {
        b.checked = !all;
      });
      label();
    });
    form.addEventListener('change', label);
  }

  function hex(buffer) {
    return Array.prototype.map
      .call(new Uint8Array(buffer), function (b) {
        return ('0' + b.toString(16)).slice(-2);
      })
      .join('');
  }

  function filePicker(label) {
    if (!window.crypto || !window.crypto.subtle) return; // digests need a secure context
    var input = label.querySelector('input[type=file]');
    var list = label.closest('form').querySelector('textarea[data-attachments]');
    label.hidden = false;
    input.addEventListener('change', function () {
      Array.prototype.forEach.call(input.files, function (file) {
        file
          .arrayBuffer()
          .then(function (data) {
            return window.crypto.subtle.digest('SHA-256', data);
          })
          .then(function (digest) {
            var line = file.name.replace(/\s+/g, ' ') + ' ' + hex(digest);
            list.value = list.value.replace(/\s*$/, '') + (list.value.trim() ? '\n' : '') + line;
          });
      });
    });
  }

  function init() {
    document.querySelectorAll('[data-toggle-all=evidence]').forEach(evidenceToggle);
    document.querySelectorAll('[data-pick-files]').forEach(filePicker);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
