/* CaseFlow 案流 — evidence uploads: several files, drag and drop, one progress bar per file.
   Progressive enhancement: without this script the form is a plain multipart post of every chosen file.
   Each file goes in its own request (XMLHttpRequest, for upload progress), so one refused file does not
   stop the others and the server streams one file at a time. No dependencies, no network access. */
(function () {
  "use strict";

  function stem(name) {
    var i = name.lastIndexOf(".");
    return (i > 0 ? name.slice(0, i) : name).slice(0, 200);
  }

  function humanSize(n) {
    var units = ["字节", "KB", "MB", "GB"], i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (i === 0 ? n : n.toFixed(1)) + " " + units[i];
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) { node.textContent = text; }
    return node;
  }

  function enhance(form) {
    var input = form.querySelector('input[type="file"]');
    var drop = form.querySelector("[data-drop]");
    var queueList = form.querySelector("[data-queue]");
    var status = form.querySelector("[data-status]");
    var button = form.querySelector('button[type="submit"]');
    var titleField = form.querySelector('input[name="title"]');
    var queue = [];
    var busy = false;
    var maxBytes = parseInt(form.getAttribute("data-max-bytes") || "0", 10);
    if (!input || !queueList || !window.FormData || !window.XMLHttpRequest) { return; }

    input.removeAttribute("required");  // files may also come from drag and drop
    if (titleField) { titleField.closest(".field").hidden = true; }  // each file gets its own name below

    function add(files) {
      Array.prototype.forEach.call(files, function (file) {
        var li = el("li");
        var label = el("label", {}, file.name + "（" + humanSize(file.size) + "）");
        var title = el("input", {type: "text", maxlength: "200", "aria-label": "证据名称：" + file.name});
        title.value = stem(file.name);
        label.appendChild(title);
        var progress = el("progress", {max: "100", value: "0", "aria-label": "上传进度：" + file.name});
        var msg = el("div", {"class": "ev-msg muted"}, "等待上传");
        li.appendChild(label);
        li.appendChild(progress);
        li.appendChild(msg);
        queueList.appendChild(li);
        var item = {file: file, title: title, progress: progress, msg: msg, done: false, refused: false};
        if (maxBytes && file.size > maxBytes) {
          // Refused here rather than after sending it all: the server would refuse it too.
          item.refused = true;
          msg.className = "ev-msg bad";
          msg.textContent = "✗ 文件超过大小上限（" + form.getAttribute("data-max-size") + "），请压缩或拆分后再上传";
        } else if (file.size === 0) {
          item.refused = true;
          msg.className = "ev-msg bad";
          msg.textContent = "✗ 空文件（0 字节），请检查后重新选择";
        }
        queue.push(item);
      });
      queueList.hidden = queue.length === 0;
      status.textContent = queue.length ? "已选择 " + queue.length + " 个文件" : "";
    }

    input.addEventListener("change", function () {
      add(input.files);
      input.value = "";  // the queue holds them now; choosing again adds more
    });

    if (drop) {
      ["dragenter", "dragover"].forEach(function (type) {
        drop.addEventListener(type, function (e) { e.preventDefault(); drop.classList.add("over"); });
      });
      ["dragleave", "drop"].forEach(function (type) {
        drop.addEventListener(type, function (e) { e.preventDefault(); drop.classList.remove("over"); });
      });
      drop.addEventListener("drop", function (e) {
        if (e.dataTransfer && e.dataTransfer.files) { add(e.dataTransfer.files); }
      });
    }

    function send(item, next) {
      var data = new FormData();
      data.append("csrf_token", form.querySelector('input[name="csrf_token"]').value);
      ["kind", "method", "description"].forEach(function (name) {
        var field = form.elements[name];
        if (field) { data.append(name, field.value); }
      });
      data.append("title", item.title.value.trim() || stem(item.file.name));
      data.append("files", item.file, item.file.name);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          item.progress.value = Math.round(e.loaded / e.total * 100);
          item.msg.textContent = "正在上传 " + humanSize(e.loaded) + " / " + humanSize(e.total);
        }
      });
      xhr.upload.addEventListener("load", function () {
        item.msg.textContent = "已上传，服务器正在校验和保存…";
      });
      xhr.addEventListener("load", function () {
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (err) { body = null; }
        if (xhr.status === 201 && body && body.items && body.items.length) {
          var saved = body.items[0];
          item.done = true;
          item.progress.value = 100;
          item.msg.className = "ev-msg ok";
          item.msg.textContent = "✓ 已提交" + saved.label + "（SHA-256 " + saved.sha256.slice(0, 16) + "…）";
        } else {
          item.msg.className = "ev-msg bad";
          item.msg.textContent = "✗ " + ((body && body.message) || "上传失败（HTTP " + xhr.status + "）");
        }
        next();
      });
      xhr.addEventListener("error", function () {
        item.msg.className = "ev-msg bad";
        item.msg.textContent = "✗ 网络错误，上传未完成，请重试";
        next();
      });
      xhr.send(data);
    }

    form.addEventListener("submit", function (e) {
      e.preventDefault();
      if (busy) { return; }
      var todo = queue.filter(function (q) { return !q.done && !q.refused; });
      if (!todo.length) {
        status.textContent = "请先选择或拖入要上传的文件";
        return;
      }
      busy = true;
      button.disabled = true;
      var i = 0, ok = 0;
      (function step() {
        if (i >= todo.length) {
          busy = false;
          button.disabled = false;
          ok = todo.filter(function (q) { return q.done; }).length;
          if (ok === todo.length) {
            status.textContent = "全部上传完成，正在刷新…";
            window.setTimeout(function () { window.location.reload(); }, 800);
          } else {
            status.textContent = "完成 " + ok + " 个，失败 " + (todo.length - ok) + " 个；可修改后重新上传失败的文件，或刷新页面查看已提交的证据";
          }
          return;
        }
        var item = todo[i++];
        status.textContent = "正在上传第 " + i + " / " + todo.length + " 个文件";
        send(item, step);
      })();
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("form.evidence-upload"), enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
