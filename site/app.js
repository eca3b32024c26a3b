// The items page: lists, creates and deletes items through /api/items.
//
// Written for a strict Content-Security-Policy: no inline code, no inline styles, no eval.
// Every piece of data reaches the page through textContent or attributes, never innerHTML,
// so an item named "<img onerror=...>" is shown as text.
"use strict";

(() => {
  const API = "/api/items";
  const PAGE_SIZE = 100; // the API's maximum page size (lambdas/contract.json api.listLimit.max)

  const form = document.getElementById("item-form");
  const nameInput = document.getElementById("item-name");
  const descriptionInput = document.getElementById("item-description");
  const submitButton = document.getElementById("item-submit");
  const errorBox = document.getElementById("error");
  const statusLine = document.getElementById("status");
  const list = document.getElementById("items");
  const loadMoreButton = document.getElementById("load-more");
  const refreshButton = document.getElementById("refresh");

  let items = [];
  let nextToken = null;

  class ApiError extends Error {
    constructor(message, status) {
      super(message);
      this.status = status; // 0 when the server was not reached at all
    }
  }

  // One place for every call: JSON in, JSON out, and the API's own message on failure
  // (4xx bodies carry {"message", "requestId"}; a 5xx is shown with its request id).
  async function api(method, path, body) {
    const init = { method, headers: { Accept: "application/json" }, credentials: "same-origin" };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch {
      throw new ApiError("The server could not be reached. Check your connection and try again.", 0);
    }
    const text = await response.text();
    let data = null;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = null; // e.g. an HTML error page from a proxy: fall back to the status below
      }
    }
    if (!response.ok) {
      let message = data && typeof data.message === "string" ? data.message : `Request failed (HTTP ${response.status}).`;
      if (response.status >= 500 && data && typeof data.requestId === "string") {
        message += ` Request id: ${data.requestId}`;
      }
      throw new ApiError(message, response.status);
    }
    return data;
  }

  function showError(message) {
    errorBox.textContent = message;
  }

  function clearError() {
    errorBox.textContent = "";
  }

  function reportFailure(err) {
    showError(err instanceof ApiError ? err.message : "Something went wrong. Please try again.");
  }

  function byCreation(a, b) {
    return String(a.createdAt).localeCompare(String(b.createdAt)) || String(a.id).localeCompare(String(b.id));
  }

  function renderItem(item) {
    const entry = document.createElement("li");
    entry.className = "item";
    entry.dataset.id = item.id;
    entry.dataset.testid = "item";

    const text = document.createElement("div");
    text.className = "item-text";
    const name = document.createElement("span");
    name.className = "item-name";
    name.textContent = item.name;
    text.append(name);
    if (item.description) {
      const description = document.createElement("p");
      description.className = "item-description";
      description.textContent = item.description;
      text.append(description);
    }

    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "delete";
    remove.dataset.testid = "delete";
    remove.textContent = "Delete";
    remove.setAttribute("aria-label", `Delete ${item.name}`);
    remove.addEventListener("click", () => deleteItem(item, remove));

    entry.append(text, remove);
    return entry;
  }

  function render() {
    list.replaceChildren(...items.slice().sort(byCreation).map(renderItem));
    statusLine.textContent = items.length === 0 ? "No items yet." : `${items.length} item${items.length === 1 ? "" : "s"}`;
    loadMoreButton.hidden = !nextToken;
  }

  async function loadPage(reset) {
    const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (!reset && nextToken) params.set("nextToken", nextToken);
    statusLine.textContent = "Loading…";
    try {
      const page = await api("GET", `${API}?${params}`);
      items = reset ? page.items : items.concat(page.items);
      nextToken = page.nextToken || null;
      clearError();
    } catch (err) {
      reportFailure(err);
    }
    render();
  }

  async function createItem(event) {
    event.preventDefault();
    const body = { name: nameInput.value };
    if (descriptionInput.value) body.description = descriptionInput.value;
    submitButton.disabled = true;
    try {
      const created = await api("POST", API, body);
      items.push(created);
      form.reset();
      clearError();
      render();
      nameInput.focus();
    } catch (err) {
      reportFailure(err);
    } finally {
      submitButton.disabled = false;
    }
  }

  async function deleteItem(item, button) {
    button.disabled = true;
    try {
      await api("DELETE", `${API}/${encodeURIComponent(item.id)}`);
      clearError();
    } catch (err) {
      reportFailure(err);
      if (!(err instanceof ApiError && err.status === 404)) {
        button.disabled = false;
        return; // still there: keep it listed
      }
      // Already gone (deleted elsewhere): fall through and drop it from the list.
    }
    items = items.filter((candidate) => candidate.id !== item.id);
    render();
  }

  form.addEventListener("submit", createItem);
  loadMoreButton.addEventListener("click", () => loadPage(false));
  refreshButton.addEventListener("click", () => loadPage(true));
  loadPage(true);
})();
