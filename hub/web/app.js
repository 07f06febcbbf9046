// The hub's web page: entities by area with live state, and a command box.
// Plain JavaScript, no build step, no outside requests. Data is shown with textContent only.
"use strict";

const TEXT = {
  en: {
    title: "Home", offline: "offline", live: "live", change_token: "Token", save: "Save",
    token_prompt: "API token (from data/token):", send: "Send", understood: "Understood",
    slots: "Slots", done: "Done", outcome: "Outcome", confirm: "Confirm",
    placeholder: "turn on the kitchen lights · 打开客厅的灯", other: "Other", loading: "Loading…",
    nothing: "nothing", unauthorized: "The token was refused; enter it again.",
    outcomes: { executed: "done", needs_confirmation: "needs confirmation", answered: "answered",
                rejected: "not done", not_ready: "model not ready", dry_run: "dry run",
                scheduled: "scheduled", cancelled: "cancelled" },
    scheduled: "Scheduled", cancel: "Cancel", repeats: "repeats",
    on: "Turn on", off: "Turn off", lock: "Lock", unlock: "Unlock", open: "Open", close: "Close",
    start: "Start", dock: "Dock", press: "Press", activate: "Activate", brightness: "Brightness",
    colour: "Colour", setpoint: "Target temperature", position: "Position", option: "Option",
    value: "Value", history: "History",
    count: (n) => `${n} entities`,
  },
  zh: {
    title: "我的家", offline: "离线", live: "在线", change_token: "令牌", save: "保存",
    token_prompt: "API 令牌（见 data/token）：", send: "发送", understood: "理解为",
    slots: "槽位", done: "执行", outcome: "结果", confirm: "确认",
    placeholder: "打开客厅的灯 · turn on the kitchen lights", other: "其他", loading: "加载中…",
    nothing: "无", unauthorized: "令牌无效，请重新输入。",
    outcomes: { executed: "已执行", needs_confirmation: "需要确认", answered: "已回答",
                rejected: "未执行", not_ready: "模型未就绪", dry_run: "试运行",
                scheduled: "已定时", cancelled: "已取消" },
    scheduled: "定时任务", cancel: "取消", repeats: "重复",
    on: "打开", off: "关闭", lock: "上锁", unlock: "开锁", open: "打开", close: "关闭",
    start: "启动", dock: "回充", press: "按下", activate: "启用", brightness: "亮度",
    colour: "颜色", setpoint: "目标温度", position: "位置", option: "选项", value: "数值",
    history: "历史",
    count: (n) => `${n} 个实体`,
  },
};

// Services behind each entity's button: [service when not active, service when active] (ACTIVE below).
const TOGGLES = {
  light: ["turn_on", "turn_off"], switch: ["turn_on", "turn_off"], fan: ["turn_on", "turn_off"],
  lock: ["unlock", "lock"], cover: ["open_cover", "close_cover"],
  humidifier: ["turn_on", "turn_off"], siren: ["turn_on", "turn_off"],
  valve: ["open_valve", "close_valve"], lawn_mower: ["start_mowing", "dock"],
};
const ACTIVE = new Set(["on", "unlocked", "open", "opening", "cleaning", "heat", "cool", "auto",
                        "mowing"]);
const WORDS = { turn_on: "on", turn_off: "off", lock: "lock", unlock: "unlock", open_cover: "open",
                close_cover: "close", open_valve: "open", close_valve: "close",
                start_mowing: "start", dock: "dock" };
// Components whose one action is a press: [service, label].
const PRESS = { button: ["press", "press"], scene: ["turn_on", "activate"] };
// Components without a state of their own (a button's "unknown" says nothing).
const STATELESS = new Set(["button", "scene", "camera", "notify"]);

const $ = (id) => document.getElementById(id);
let lang = localStorage.getItem("hub.lang")
  || ((navigator.language || "en").toLowerCase().startsWith("zh") ? "zh" : "en");
let token = localStorage.getItem("hub.token") || "";
// In Home Assistant's sidebar (add-on ingress) HA has authenticated the user: no token to ask for.
// Every URL below is relative to the page, so it works under the ingress path too.
const INGRESS = location.pathname.includes("/api/hassio_ingress/");
let entities = [];
const states = new Map();
let socket = null;
let lastResult = null;

function t(key) { return TEXT[lang][key] ?? TEXT.en[key] ?? key; }

function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function applyLanguage() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll("[data-i18n-placeholder]")) {
    node.placeholder = t(node.dataset.i18nPlaceholder);
  }
  $("lang-toggle").textContent = lang === "zh" ? "English" : "中文";
  setLive(socket !== null && socket.readyState === WebSocket.OPEN);
  if (entities.length) $("status").textContent = TEXT[lang].count(entities.length);
  render();
  if (lastResult) showResult(lastResult);
}

function setLive(on) {
  $("live").classList.toggle("on", on);
  $("live").title = t(on ? "live" : "offline");
}

async function api(method, path, body) {
  const response = await fetch(path.replace(/^\//, ""), {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 401) { askToken(t("unauthorized")); throw new Error("401"); }
  const data = await response.json().catch(() => ({}));
  return { status: response.status, data };
}

function askToken(message) {
  $("token-form").hidden = false;
  $("status").textContent = message || "";
  $("token-input").focus();
}

// -- entities --------------------------------------------------------------------------------
async function load() {
  if (!token && !INGRESS) { askToken(); return; }
  $("status").textContent = t("loading");
  const [list, current] = await Promise.all([api("GET", "/api/entities"), api("GET", "/api/states")]);
  entities = list.data;
  for (const state of current.data) states.set(state.entity_id, state);
  $("status").textContent = TEXT[lang].count(entities.length);
  render();
  connect();
  loadSchedule().catch(() => {});
}

// -- scheduled commands ----------------------------------------------------------------------
async function loadSchedule() {
  const { status, data } = await api("GET", "/api/schedule");
  if (status !== 200) return;
  const list = $("schedule-list");
  list.replaceChildren();
  for (const job of data) {
    const when = job.next_run ? new Date(job.next_run).toLocaleString() : "–";
    const item = el("li", { "data-id": String(job.id) });
    item.append(el("span", {}, `${job.text} · ${when}${job.repeat ? ` · ${t("repeats")}` : ""}`));
    const cancel = el("button", { type: "button", class: "cancel" }, t("cancel"));
    cancel.addEventListener("click", async () => {
      cancel.disabled = true;
      await api("DELETE", `/api/schedule/${job.id}`).catch(() => {});
      loadSchedule().catch(() => {});
    });
    item.append(cancel);
    list.append(item);
  }
  $("schedule").hidden = data.length === 0;
}

function render() {
  const root = $("areas");
  root.replaceChildren();
  const groups = new Map();
  for (const entity of entities) {
    const area = entity.area || "";
    if (!groups.has(area)) groups.set(area, []);
    groups.get(area).push(entity);
  }
  const names = [...groups.keys()].sort((a, b) => (a === "") - (b === "") || a.localeCompare(b));
  for (const area of names) {
    const section = el("section", { class: "area", "data-area": area });
    section.append(el("h2", {}, area || t("other")));
    const grid = el("div", { class: "grid" });
    for (const entity of groups.get(area)) grid.append(card(entity));
    section.append(grid);
    root.append(section);
  }
}

function card(entity) {
  const node = el("div", { class: "entity", "data-entity": entity.entity_id });
  node.append(el("span", { class: "name" }, entity.name), el("span", { class: "id" }, entity.entity_id));
  const bottom = el("div", { class: "bottom" });
  bottom.append(el("span", { class: "state" }));
  const pair = TOGGLES[entity.component];
  if (pair && pair.every((s) => offers(entity, s))) {
    const button = el("button", { type: "button", class: "toggle" });
    button.addEventListener("click", () => toggle(entity, pair));
    bottom.append(button);
  }
  const press = PRESS[entity.component];
  if (press && offers(entity, press[0])) {
    const button = el("button", { type: "button", class: "press", "data-i18n": press[1] }, t(press[1]));
    button.addEventListener("click", () => call(entity, press[0], {}));
    bottom.append(button);
  }
  node.append(bottom);
  const extra = controls(entity);
  if (extra.childElementCount) node.append(extra);
  updateCard(node, entity);
  return node;
}

function offers(entity, service) { return entity.services.includes(`${entity.component}.${service}`); }

function attrs(entity) { return (states.get(entity.entity_id) || {}).attributes || {}; }

// A service call; a sensitive one (unlock, open the garage, disarm) answers 202 with a confirm id
// and runs only once the person says yes here.
async function call(entity, service, data = {}) {
  const path = `/api/services/${entity.component}/${service}`;
  const answer = await api("POST", path, { entity_id: entity.entity_id, ...data });
  if (answer.status === 202 && answer.data.confirm_id && window.confirm(answer.data.message)) {
    await api("POST", "/api/command", { confirm: answer.data.confirm_id });
  }
}

// A labelled input that calls `service` with {field: value} when it is changed (released).
function input(entity, kind, type, label, service, field, limits, convert = Number) {
  const box = el("label", { class: `control ${kind}` });
  box.append(el("span", { "data-i18n": label }, t(label)));
  const node = el("input", { type, class: kind, "aria-label": t(label), ...limits });
  node.addEventListener("change", () => {
    if (node.value !== "" && node.checkValidity()) call(entity, service, { [field]: convert(node.value) });
  });
  box.append(node);
  return box;
}

// The controls a person expects for the entity's component, from its services and attributes.
function controls(entity) {
  const box = el("div", { class: "controls" });
  const a = attrs(entity);
  const c = entity.component;
  if (c === "light" && offers(entity, "turn_on")) {
    const modes = a.supported_color_modes || [];
    if (modes.some((m) => m !== "onoff")) {
      box.append(input(entity, "brightness", "range", "brightness", "turn_on", "brightness_pct",
                       { min: 1, max: 100, step: 1 }));
    }
    if (modes.some((m) => ["hs", "xy", "rgb", "rgbw", "rgbww"].includes(m))) {
      box.append(input(entity, "colour", "color", "colour", "turn_on", "rgb_color", { value: "#ffffff" },
                       hexToRgb));
    }
  }
  if ((c === "climate" || c === "water_heater") && offers(entity, "set_temperature")) {
    box.append(input(entity, "setpoint", "number", "setpoint", "set_temperature", "temperature",
                     // "any": the hub rounds to the step; the browser's step counts from min
                     // (43.3 °C for a water heater), which would refuse whole degrees.
                     { min: a.min_temp ?? "", max: a.max_temp ?? "", step: "any" }));
  }
  const position = { cover: "set_cover_position", valve: "set_valve_position" }[c];
  if (position && offers(entity, position)) {
    box.append(input(entity, "position", "range", "position", position, "position",
                     { min: 0, max: 100, step: 1 }));
  }
  if (c === "select" && offers(entity, "select_option")) {
    const label = el("label", { class: "control option" });
    label.append(el("span", { "data-i18n": "option" }, t("option")));
    const select = el("select", { class: "option", "aria-label": t("option") });
    for (const option of a.options || []) select.append(el("option", { value: option }, option));
    select.addEventListener("change", () => call(entity, "select_option", { option: select.value }));
    label.append(select);
    box.append(label);
  }
  if (c === "number" && offers(entity, "set_value")) {
    box.append(input(entity, "value", "number", "value", "set_value", "value",
                     { min: a.min ?? "", max: a.max ?? "", step: a.step || "any" }));
  }
  if (c === "text" && offers(entity, "set_value")) {
    box.append(input(entity, "value", "text", "value", "set_value", "value",
                     { minlength: a.min ?? 0, maxlength: a.max ?? 255 }, String));
  }
  if (c === "sensor" && a.unit_of_measurement) {
    box.append(chartNode(entity));
    if (sensorHistory.has(entity.entity_id)) queueMicrotask(() => drawChart(entity.entity_id));
    else loadHistory(entity).catch(() => {});
  }
  return box;
}

function hexToRgb(hex) {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

function rgbToHex(rgb) {
  return `#${rgb.map((v) => Math.round(v).toString(16).padStart(2, "0")).join("")}`;
}

// -- sensor history ----------------------------------------------------------------------------
const sensorHistory = new Map();
const SVG = "http://www.w3.org/2000/svg";

function chartNode(entity) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "chart");
  svg.setAttribute("viewBox", "0 0 120 32");
  svg.setAttribute("preserveAspectRatio", "none");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", `${t("history")}: ${entity.name}`);
  svg.append(document.createElementNS(SVG, "polyline"));
  return svg;
}

async function loadHistory(entity) {
  const { status, data } = await api("GET", `/api/history/${encodeURIComponent(entity.entity_id)}?limit=200`);
  if (status !== 200 || !Array.isArray(data)) return;
  const points = data.map((s) => Number(s.state)).filter((v) => Number.isFinite(v));
  sensorHistory.set(entity.entity_id, points.slice(-200));
  drawChart(entity.entity_id);
}

function drawChart(entityId) {
  const node = document.querySelector(`[data-entity="${CSS.escape(entityId)}"] .chart polyline`);
  const values = sensorHistory.get(entityId) || [];
  if (!node) return;
  const low = Math.min(...values), high = Math.max(...values);
  const span = high - low || 1;
  const step = values.length > 1 ? 120 / (values.length - 1) : 0;
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(30 - ((v - low) / span) * 28).toFixed(1)}`);
  if (values.length === 1) points.push(`120,${points[0].split(",")[1]}`);
  node.setAttribute("points", points.join(" "));
  node.closest(".chart").dataset.points = String(values.length);
}

function describe(state, entity) {
  if (!state || (entity && STATELESS.has(entity.component) && state.state === "unknown")) return "–";
  const unit = state.attributes && state.attributes.unit_of_measurement;
  const known = !["unknown", "unavailable"].includes(state.state);
  return unit && known ? `${state.state} ${unit}` : state.state;
}

function updateCard(node, entity) {
  const state = states.get(entity.entity_id);
  const label = node.querySelector(".state");
  label.textContent = describe(state, entity);
  label.classList.toggle("on", state !== undefined && ACTIVE.has(state.state));
  const button = node.querySelector(".toggle");
  if (button) {
    const active = state !== undefined && ACTIVE.has(state.state);
    const service = TOGGLES[entity.component][active ? 1 : 0];
    button.textContent = t(WORDS[service]);
    button.dataset.service = service;
  }
  const a = (state && state.attributes) || {};
  // Show the device's values in the controls, but never under the user's fingers.
  const set = (selector, value) => {
    const control = node.querySelector(selector);
    if (control && document.activeElement !== control && value !== undefined && value !== null) {
      control.value = String(value);
    }
  };
  if (typeof a.brightness === "number") set("input.brightness", Math.max(1, Math.round(a.brightness / 2.55)));
  if (Array.isArray(a.rgb_color)) set("input.colour", rgbToHex(a.rgb_color));
  set("input.setpoint", a.temperature);
  set("input.position", a.current_position);
  if (entity.component === "select" || entity.component === "number" || entity.component === "text") {
    if (state && state.state !== "unknown" && state.state !== "unavailable") {
      set("select.option", state.state);
      set("input.value", state.state);
    }
  }
}

async function toggle(entity, pair) {
  const state = states.get(entity.entity_id);
  const service = pair[state !== undefined && ACTIVE.has(state.state) ? 1 : 0];
  await call(entity, service);
}

function onState(state) {
  states.set(state.entity_id, state);
  if (sensorHistory.has(state.entity_id) && Number.isFinite(Number(state.state))) {
    sensorHistory.get(state.entity_id).push(Number(state.state));
    drawChart(state.entity_id);
  }
  const node = document.querySelector(`[data-entity="${CSS.escape(state.entity_id)}"]`);
  const entity = entities.find((e) => e.entity_id === state.entity_id);
  if (!node || !entity) return;
  updateCard(node, entity);
  node.classList.add("flash");
  setTimeout(() => node.classList.remove("flash"), 600);
}

// -- live updates ----------------------------------------------------------------------------
function connect() {
  if (socket) socket.close();
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  // The token goes in the first message, not the URL, so it stays out of access logs.
  const ws = new WebSocket(`${scheme}://${location.host}${location.pathname.replace(/[^/]*$/, "")}api/websocket`);
  socket = ws;
  ws.onmessage = (event) => {
    const msg = JSON.parse(event.data);
    if (msg.type === "auth_required") ws.send(JSON.stringify({ type: "auth", access_token: token }));
    else if (msg.type === "auth_ok") setLive(true);
    else if (msg.type === "auth_invalid") askToken(t("unauthorized"));
    else if (msg.type === "state_changed") onState(msg.state);
  };
  ws.onclose = (event) => {
    setLive(false);
    if (socket === ws && event.code !== 4001) setTimeout(() => { if (socket === ws) load(); }, 2000);
  };
}

// -- commands --------------------------------------------------------------------------------
async function send(body) {
  $("cmd-send").disabled = true;
  try {
    const { data } = await api("POST", "/api/command", body);
    showResult(data);
    if (data.schedule) loadSchedule().catch(() => {});
  } finally {
    $("cmd-send").disabled = false;
  }
}

function showResult(result) {
  lastResult = result;
  $("result").hidden = false;
  $("r-intent").textContent = result.intent || "–";
  $("r-confidence").textContent = typeof result.confidence === "number" ? result.confidence.toFixed(2) : "";
  const slots = $("r-slots");
  slots.replaceChildren();
  for (const [name, value] of Object.entries(result.slots || {})) slots.append(el("span", {}, `${name}: ${value}`));
  if (!slots.childElementCount) slots.textContent = t("nothing");
  const actions = $("r-actions");
  actions.replaceChildren();
  for (const action of result.actions || []) {
    const data = Object.keys(action.data || {}).length ? ` ${JSON.stringify(action.data)}` : "";
    actions.append(el("li", {}, `${action.service} → ${(action.entity_id || []).join(", ")}${data}`));
  }
  if (!actions.childElementCount) actions.append(el("li", { class: "muted" }, t("nothing")));
  const outcome = $("r-outcome");
  outcome.className = `badge ${result.outcome || ""}`;
  outcome.dataset.outcome = result.outcome || "";
  outcome.textContent = TEXT[lang].outcomes[result.outcome] || result.outcome || "";
  $("r-confirm").hidden = result.outcome !== "needs_confirmation";
  $("r-answer").textContent = result.answer || "";
  $("r-error").textContent = result.error || result.message || "";
}

// -- wiring ----------------------------------------------------------------------------------
function init() {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get("token");
  if (fromHash) {
    token = fromHash;
    localStorage.setItem("hub.token", token);
    history.replaceState(null, "", location.pathname + location.search);  // keep it off the screen
  }
  $("lang-toggle").addEventListener("click", () => {
    lang = lang === "zh" ? "en" : "zh";
    localStorage.setItem("hub.lang", lang);
    applyLanguage();
  });
  $("token-change").addEventListener("click", () => askToken());
  $("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    token = $("token-input").value.trim();
    localStorage.setItem("hub.token", token);
    $("token-form").hidden = true;
    load();
  });
  $("cmd-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = $("cmd-text").value.trim();
    if (text) send({ text, lang: "auto" }).catch(() => {});
  });
  $("r-confirm").addEventListener("click", () => {
    if (lastResult && lastResult.confirm_id) send({ confirm: lastResult.confirm_id }).catch(() => {});
  });
  applyLanguage();
  load().catch(() => {});
}

document.addEventListener("DOMContentLoaded", init);
