// The API token form (monitoring/forms.py CredentialForm, issue 17): the 種類 and アカウント lists
// follow the SNS chosen. Each SNS option lists the kinds its status check takes (data-kinds, from the
// adapters' rule) and each account option its SNS (data-platform). Without JavaScript every option
// stays, the help text says the rule, and the server refuses a wrong kind with a message.
(() => {
  const platform = document.querySelector("select[name=platform] option[data-kinds]")?.parentElement;
  const kind = document.querySelector("select[name=kind]");
  const account = document.querySelector("select[name=account]");
  if (!platform || !kind || !account) return;
  const allKinds = [...kind.options];
  const allAccounts = [...account.options];

  // Put back only the options `keep` accepts, in their order; the selection stays if it is kept.
  function offer(select, options, keep) {
    const chosen = select.value;
    select.replaceChildren(...options.filter(keep));
    const kept = [...select.options].some((o) => o.value === chosen);
    select.value = kept ? chosen : "";
    return select.options;
  }

  function follow() {
    const option = platform.selectedOptions[0];
    if (!option || !option.value) {
      offer(kind, allKinds, () => true);
      offer(account, allAccounts, () => true);
      return;
    }
    const taken = (option.dataset.kinds || "").split(" ").filter(Boolean);
    const kinds = offer(kind, allKinds, (o) => !o.value || taken.includes(o.value));
    if (kinds.length === 2) kind.value = kinds[1].value; // one kind only: chosen for the person
    offer(account, allAccounts, (o) => !o.value || o.dataset.platform === option.value);
  }

  platform.addEventListener("change", follow);
  follow(); // a refused form comes back with its SNS chosen
})();
