// The chat page: one fresh conversation per page load. User messages go out through the rasa.message rpc;
// bot messages are shown as they arrive on the conversation's channel.
(async () => {
  const log = document.getElementById('log');
  const status = document.getElementById('status');
  const form = document.getElementById('send');
  const input = document.getElementById('text');
  const button = form.querySelector('button');

  function show(kind, text) {
    const div = document.createElement('div');
    div.className = 'msg ' + kind;
    div.textContent = text;
    log.appendChild(div);
    log.scrollTop = log.scrollHeight;
    return div;
  }

  function showBot(message) {
    const div = show('bot', message.text ?? '');
    if (message.image) {
      const img = document.createElement('img');
      img.src = message.image;
      img.alt = '';
      img.style.maxWidth = '100%';
      div.appendChild(img);
    }
    if (Array.isArray(message.buttons)) {
      const row = document.createElement('div');
      row.className = 'buttons';
      for (const b of message.buttons) {
        const btn = document.createElement('button');
        btn.type = 'button';
        btn.textContent = b.title;
        btn.onclick = () => send(b.payload ?? b.title, b.title);
        row.appendChild(btn);
      }
      div.appendChild(row);
    }
  }

  const answer = await fetch('token', { method: 'POST' });
  if (!answer.ok) {
    status.textContent = 'no chat token (' + answer.status + ')';
    return;
  }
  const session = await answer.json();
  const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
  const centrifuge = new Centrifuge(scheme + location.host + session.websocket, { token: session.token });
  const sub = centrifuge.newSubscription(session.channel);
  sub.on('publication', (ctx) => showBot(ctx.data));
  sub.on('subscribed', () => {
    status.textContent = 'connected';
    input.disabled = false;
    button.disabled = false;
    input.focus();
  });
  sub.on('error', (ctx) => show('error', 'subscription error: ' + ctx.error.message));
  centrifuge.on('disconnected', (ctx) => { status.textContent = 'disconnected: ' + ctx.reason; });
  sub.subscribe();
  centrifuge.connect();

  async function send(message, shown) {
    show('user', shown ?? message);
    try {
      await centrifuge.rpc('rasa.message', { message });
    } catch (e) {
      show('error', 'not sent: ' + (e.message ?? e));
    }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (text) {
      input.value = '';
      send(text);
    }
  });
})();
