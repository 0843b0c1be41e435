'use strict';
// Gapless viewer: plain DOM, no dependencies. Everything from the server is shown with textContent (never
// innerHTML): file names and contents are hostile input. The token comes from the URL's fragment (#token=...),
// which the browser never sends to the server; it is kept in this tab's sessionStorage and sent as a header.
(function () {
  const state = { token: null, chat: null, artifact: null, versions: new Map(), selected: null, follow: true,
    stream: null, last: 0 };
  const $ = (id) => document.getElementById(id);

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function readFragment() {
    const params = new URLSearchParams(location.hash.slice(1));
    const token = params.get('token');
    if (token) {
      sessionStorage.setItem('gapless-token', token);
      params.delete('token');
    }
    const rest = params.toString();
    history.replaceState(null, '', location.pathname + location.search + (rest ? '#' + rest : ''));
    state.token = sessionStorage.getItem('gapless-token');
    return params.get('chat');
  }

  function show(message) {
    const box = $('message');
    box.hidden = !message;
    box.textContent = message || '';
  }

  function status(text, kind) {
    const s = $('status');
    s.textContent = text;
    s.className = 'status' + (kind ? ' ' + kind : '');
  }

  async function api(path) {
    const response = await fetch('api/' + path, { headers: { Authorization: 'Bearer ' + state.token },
      cache: 'no-store' });
    let body = null;
    try { body = await response.json(); } catch (e) { body = null; }
    if (!response.ok) throw new Error((body && body.error) || ('HTTP ' + response.status));
    return body;
  }

  async function loadChats(wanted) {
    const select = $('chats');
    const { chats } = await api('chats');
    if (wanted && !chats.includes(wanted)) chats.unshift(wanted);
    for (const chat of chats) {
      const option = el('option', null, chat);
      option.value = chat;
      select.appendChild(option);
    }
    select.addEventListener('change', () => openChat(select.value));
    if (wanted || chats.length === 1) {
      select.value = wanted || chats[0];
      await openChat(select.value);
    }
  }

  async function openChat(chat) {
    state.chat = chat;
    $('artifacts').replaceChildren();
    if (!chat) return;
    const { artifacts } = await api('artifacts?chat=' + encodeURIComponent(chat));
    for (const a of artifacts) {
      const li = el('li', null, a.type + (a.title ? ' — ' + a.title : '') + ' ');
      li.appendChild(el('span', 'head', '(v' + a.headVersion + ')'));
      li.dataset.artifact = a.id;
      li.addEventListener('click', () => openArtifact(a.id));
      $('artifacts').appendChild(li);
    }
    if (artifacts.length > 0) await openArtifact(artifacts[0].id);
  }

  async function openArtifact(id) {
    if (state.stream) state.stream.abort();
    state.artifact = id;
    state.versions = new Map();
    state.selected = null;
    state.follow = true;
    for (const li of $('artifacts').children) li.classList.toggle('selected', li.dataset.artifact === id);
    $('timeline').replaceChildren();
    const artifact = await api('artifacts/' + id);
    for (const v of artifact.versions) addVersion(v, false);
    state.last = artifact.headVersion;
    if (artifact.headVersion > 0) await selectVersion(artifact.headVersion);
    follow(id);
  }

  function addVersion(v, fresh) {
    if (state.versions.has(v.version)) return;
    state.versions.set(v.version, v);
    const li = el('li', fresh ? 'fresh' : null);
    li.dataset.version = v.version;
    li.appendChild(el('strong', null, 'v' + v.version + ' '));
    li.appendChild(el('span', 'summary', v.summary));
    const meta = [v.fileCount + ' files', v.idempotencyKey ? 'call ' + v.idempotencyKey : null,
      v.createdAt ? new Date(v.createdAt).toLocaleString() : null].filter(Boolean).join(' · ');
    li.appendChild(el('span', 'meta', meta));
    li.addEventListener('click', () => { state.follow = v.version === state.last; selectVersion(v.version); });
    $('timeline').prepend(li);
  }

  async function selectVersion(n) {
    state.selected = n;
    for (const li of $('timeline').children) li.classList.toggle('selected', Number(li.dataset.version) === n);
    const id = state.artifact;
    const [files, diff] = await Promise.all([api('artifacts/' + id + '/versions/' + n),
      api('artifacts/' + id + '/versions/' + n + '/diff')]);
    if (state.artifact !== id || state.selected !== n) return;
    $('files-version').textContent = 'of v' + n;
    $('files').replaceChildren();
    for (const f of files.files) {
      const li = el('li', null, f.filename);
      li.title = [f.language, f.description, f.bytes + ' bytes'].filter(Boolean).join(' · ');
      li.dataset.filename = f.filename;
      li.addEventListener('click', () => openFile(id, n, f.filename));
      $('files').appendChild(li);
    }
    renderDiff(n, diff.files);
  }

  async function openFile(id, n, name) {
    const file = await api('artifacts/' + id + '/versions/' + n + '/file?name=' + encodeURIComponent(name));
    for (const li of $('files').children) li.classList.toggle('selected', li.dataset.filename === name);
    $('content-name').textContent = name + ' (v' + n + ')';
    $('content').textContent = file.content;
  }

  function renderDiff(n, files) {
    $('diff-version').textContent = 'in v' + n;
    const box = $('diff');
    box.replaceChildren();
    if (files.length === 0) box.appendChild(el('p', null, 'no file changed'));
    for (const f of files) {
      const part = el('div', 'file-change');
      const title = el('h3', null, f.filename + ' ');
      title.appendChild(el('span', 'badge', f.status));
      part.appendChild(title);
      const pre = el('div', 'code');
      for (const line of f.lines) {
        const kind = line.op === '+' ? 'add' : line.op === '-' ? 'del' : line.op === '…' ? 'fold' : '';
        pre.appendChild(el('span', 'line ' + kind, (line.op === '…' ? '… ' : line.op + ' ') + line.text));
      }
      part.appendChild(pre);
      box.appendChild(part);
    }
  }

  // Server-Sent Events read with fetch, since EventSource cannot send an Authorization header; on a lost stream
  // it reconnects with Last-Event-ID, as EventSource would, and the server resumes after that version.
  async function follow(id) {
    const controller = new AbortController();
    state.stream = controller;
    while (!controller.signal.aborted && state.artifact === id) {
      try {
        const response = await fetch('api/artifacts/' + id + '/events', { signal: controller.signal,
          headers: { Authorization: 'Bearer ' + state.token, 'Last-Event-ID': String(state.last) } });
        if (!response.ok) throw new Error('HTTP ' + response.status);
        status('live', 'live');
        await readEvents(response.body.getReader(), id);
      } catch (e) {
        if (controller.signal.aborted) return;
      }
      status('reconnecting…', 'down');
      await new Promise((r) => setTimeout(r, 2000));
    }
  }

  async function readEvents(reader, id) {
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let data = null;
        for (const line of block.split('\n')) {
          if (line.startsWith('data: ')) data = (data === null ? '' : data + '\n') + line.slice(6);
        }
        if (data !== null && state.artifact === id) onVersion(JSON.parse(data));
      }
    }
  }

  function onVersion(v) {
    state.last = Math.max(state.last, v.version);
    for (const li of $('artifacts').children) {
      if (li.dataset.artifact === state.artifact) li.querySelector('.head').textContent = '(v' + state.last + ')';
    }
    addVersion(v, true);
    if (state.follow) selectVersion(v.version);
  }

  async function main() {
    const chat = readFragment();
    if (!state.token) {
      show('No token: open the URL that "gapless serve" printed (it ends in #token=...).');
      return;
    }
    try {
      await loadChats(chat);
    } catch (e) {
      show('Cannot read the store: ' + e.message);
      status('error', 'down');
    }
  }

  main();
})();
