// The dashboard's only script (no inline script anywhere: the pages' Content-Security-Policy forbids it).
// Copy buttons: <button data-copy="element-id"> copies that element's text.
document.addEventListener('click', async (event) => {
  const button = event.target instanceof Element ? event.target.closest('button[data-copy]') : null;
  if (!button) {
    return;
  }
  const source = document.getElementById(button.dataset.copy);
  if (!source) {
    return;
  }
  try {
    await navigator.clipboard.writeText(source.textContent.trim());
    button.textContent = 'Copied';
  } catch {
    // Without clipboard access (plain HTTP, or refused): select the text for the user to copy.
    const range = document.createRange();
    range.selectNodeContents(source);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    button.textContent = 'Selected: press Ctrl+C';
  }
});

// A running try-on's page: <span hidden data-live-status="/dashboard/generations/{id}/status"> follows its status every
// 1.5 s and reloads the page once it has finished, which then shows the result (or the error). Stops after 10 minutes.
(() => {
  const live = document.querySelector('[data-live-status]');
  if (!live) {
    return;
  }
  const status = document.querySelector('[data-testid="generation-status"]');
  const detail = document.querySelector('[data-live-detail]');
  const stopAt = Date.now() + 10 * 60 * 1000;
  const follow = async () => {
    try {
      const response = await fetch(live.dataset.liveStatus, { headers: { Accept: 'application/json' }, cache: 'no-store' });
      if (response.ok) {
        const generation = await response.json();
        if (generation.finished) {
          window.location.reload();
          return;
        }
        const word = generation.status.charAt(0) + generation.status.slice(1).toLowerCase();
        status.textContent = word;
        status.className = 'status status-' + generation.status.toLowerCase();
        if (detail) {
          detail.textContent = generation.queuePosition != null
            ? generation.queuePosition + ' ahead in the queue'
            : Math.round(generation.progress * 100) + ' % done';
        }
      }
    } catch {
      // A failed poll (a restart, the network) is tried again on the next tick.
    }
    if (Date.now() < stopAt) {
      window.setTimeout(follow, 1500);
    }
  };
  window.setTimeout(follow, 1500);
})();

// Forms with data-confirm ask first (deleting a product); without the script they are sent as they are.
document.addEventListener('submit', (event) => {
  const form = event.target instanceof HTMLFormElement ? event.target : null;
  if (form && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});
