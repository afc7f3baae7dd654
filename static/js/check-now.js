// 今すぐ確認 (issue 15): after the button, the account's page asks monitoring:check_result until the
// worker has recorded the check, then shows the result in the live region (role=status, so a screen
// reader reads it out) and adds the reading to the top of the history. Without JavaScript the region
// asks the person to reload the page, which then shows the result (monitoring/templatetags).
(() => {
  const region = document.querySelector("[data-check-poll]");
  if (!region) return;
  const url = region.dataset.checkPoll;
  const WAITING = "状態確認を依頼しました。結果が届くと、ここに表示します（通常は数秒です）。";
  const LATE = "結果がまだ届きません。しばらくしてからこのページを再読み込みしてください。";
  const INTERVAL_MS = 1500;
  const GIVE_UP_MS = 60_000;
  const HISTORY_ROWS = 10; // as many as the page lists
  const started = Date.now();

  function say(text) {
    region.textContent = text;
  }

  function addRow(html) {
    const body = document.querySelector("#status-check-history tbody");
    if (!body) return;
    body.querySelector("[data-no-checks]")?.remove();
    body.insertAdjacentHTML("afterbegin", html);
    while (body.rows.length > HISTORY_ROWS) body.deleteRow(-1);
  }

  async function ask() {
    let data;
    try {
      const response = await fetch(url, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        cache: "no-store",
        redirect: "error", // signed out meanwhile: the login page is no answer
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      data = await response.json();
    } catch {
      say(LATE);
      return;
    }
    if (data.state === "done") {
      addRow(data.row);
      say(data.message);
      region.classList.replace("alert-info", data.outcome === "ok" ? "alert-success" : "alert-warning");
      return;
    }
    if (Date.now() - started > GIVE_UP_MS) {
      say(LATE);
      return;
    }
    window.setTimeout(ask, INTERVAL_MS);
  }

  say(WAITING);
  window.setTimeout(ask, INTERVAL_MS);
})();
