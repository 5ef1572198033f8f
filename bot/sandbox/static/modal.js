// Modals: input blocks, their values as Slack's view.state expects, and inline errors.
import { checkedValues, choiceList, el, fillSelect, renderBlocks, uniqueName } from "./blocks.js";
import { renderPlain } from "./mrkdwn.js";

const TEXT_TYPES = ["plain_text_input", "number_input", "email_text_input", "url_text_input"];

function control(element, ctx) {
  const type = element.type;
  if (TEXT_TYPES.includes(type)) {
    const multiline = type === "plain_text_input" && element.multiline;
    const input = el(multiline ? "textarea" : "input", "sk-input");
    if (!multiline) {
      input.type = { number_input: "text", email_text_input: "email", url_text_input: "url" }[type] || "text";
      if (type === "number_input") input.inputMode = element.is_decimal_allowed ? "decimal" : "numeric";
    } else {
      input.rows = 4;
    }
    input.value = element.initial_value ?? "";
    if (element.placeholder) input.placeholder = element.placeholder.text || "";
    if (element.max_length) input.maxLength = element.max_length;
    return input;
  }
  if (["static_select", "external_select", "users_select", "multi_static_select",
    "multi_users_select"].includes(type)) {
    const select = el("select", "sk-select");
    select.multiple = type.startsWith("multi_");
    fillSelect(select, element, ctx, { placeholder: !select.multiple, users: type.endsWith("users_select") });
    return select;
  }
  if (type === "radio_buttons" || type === "checkboxes") {
    return choiceList(element, type === "checkboxes" ? "checkbox" : "radio", uniqueName("m"), ctx);
  }
  if (type === "datepicker" || type === "timepicker") {
    const input = el("input", "sk-input");
    input.type = type === "datepicker" ? "date" : "time";
    input.value = element.initial_date || element.initial_time || "";
    return input;
  }
  return el("div", "unsupported", `[${type} inputs are not supported in the sandbox]`);
}

function blockIdOf(block, index) { return block.block_id || `sbx-${index}`; }

export function renderInput(block, index, ctx) {
  const wrap = el("div", "input-block");
  const element = block.element || {};
  wrap.dataset.blockId = blockIdOf(block, index);
  wrap.dataset.etype = element.type || "";
  wrap.dataset.optional = block.optional ? "1" : "";
  if (element.min_length) wrap.dataset.minLength = element.min_length;
  if (element.type === "number_input") {
    wrap.dataset.decimal = element.is_decimal_allowed ? "1" : "";
    wrap.dataset.min = element.min_value ?? "";
    wrap.dataset.max = element.max_value ?? "";
  }
  const label = el("label", "input-label");
  label.append(renderPlain(block.label));
  if (block.optional) label.append(el("span", "optional", " (optional)"));
  const ctl = control(element, ctx);
  ctl.classList.add("input-control");
  const id = uniqueName("in");
  if (ctl.matches("input, textarea, select")) { ctl.id = id; label.htmlFor = id; }
  wrap.append(label, ctl);
  if (block.hint) {
    const hint = el("div", "input-hint");
    hint.append(renderPlain(block.hint));
    wrap.append(hint);
  }
  wrap.append(el("div", "input-error"));
  if (block.dispatch_action) wrap.dataset.dispatch = "1"; // the app answers a choice here (tests wait for it)
  if (block.dispatch_action && ctx.onAction) {
    // As Slack does for an input block with dispatch_action: a choice sends block_actions with
    // the view's state at once (the log form refreshes its precedents and required fields).
    ctl.addEventListener("change", () => ctx.onAction(ctx.source, index, -1, readValue(wrap)));
  }
  return wrap;
}

function readValue(wrap) {
  const type = wrap.dataset.etype;
  const ctl = wrap.querySelector(".input-control");
  if (!ctl) return null;
  if (type === "checkboxes") return checkedValues(ctl);
  if (type === "radio_buttons") return checkedValues(ctl)[0] ?? null;
  if (ctl.tagName === "SELECT" && ctl.multiple) return [...ctl.selectedOptions].map((o) => o.value);
  return ctl.value === "" ? null : ctl.value;
}

function writeValue(wrap, value) {
  const ctl = wrap.querySelector(".input-control");
  if (!ctl || value === null || value === undefined) return;
  const values = new Set(Array.isArray(value) ? value : [value]);
  if (ctl.tagName === "SELECT") [...ctl.options].forEach((o) => { o.selected = values.has(o.value); });
  else if (ctl.classList.contains("choices")) ctl.querySelectorAll("input").forEach((i) => { i.checked = values.has(i.value); });
  else ctl.value = value;
}

// {block_id: value} for every input block, as the simulator's state_for expects.
export function gatherValues(root) {
  const values = {};
  if (!root) return values;
  for (const wrap of root.querySelectorAll(".input-block")) values[wrap.dataset.blockId] = readValue(wrap);
  return values;
}

// Where the person is typing (block, caret), so a re-render after views.update keeps it: in Slack
// the cursor stays in the field while the view changes around it.
export function focusOf(root) {
  const active = document.activeElement;
  const wrap = active && root?.contains(active) ? active.closest(".input-block") : null;
  if (!wrap || !("selectionStart" in active)) return wrap ? { block: wrap.dataset.blockId } : null;
  return { block: wrap.dataset.blockId, start: active.selectionStart, end: active.selectionEnd };
}

export function restoreFocus(root, focus) {
  if (!focus) return;
  const wrap = root.querySelector(`.input-block[data-block-id="${CSS.escape(focus.block)}"]`);
  const ctl = wrap?.querySelector("input:not([type=radio]):not([type=checkbox]), textarea, select");
  if (!ctl) return;
  ctl.focus();
  if (focus.start !== undefined && focus.start !== null && "setSelectionRange" in ctl) {
    try { ctl.setSelectionRange(focus.start, focus.end); } catch { /* not a text control */ }
  }
}

export function restoreValues(root, values) {
  for (const wrap of root.querySelectorAll(".input-block")) {
    if (wrap.dataset.blockId in values) writeValue(wrap, values[wrap.dataset.blockId]);
  }
}

// What Slack's client checks before it sends a view_submission at all.
export function clientErrors(root) {
  const errors = {};
  for (const wrap of root.querySelectorAll(".input-block")) {
    const value = readValue(wrap);
    const empty = value === null || (Array.isArray(value) && value.length === 0);
    const id = wrap.dataset.blockId;
    if (empty) {
      if (!wrap.dataset.optional) errors[id] = "Please complete this required field.";
      continue;
    }
    if (wrap.dataset.minLength && String(value).length < Number(wrap.dataset.minLength)) {
      errors[id] = `Please enter at least ${wrap.dataset.minLength} characters.`;
    }
    if (wrap.dataset.etype === "number_input") {
      const number = Number(value);
      const pattern = wrap.dataset.decimal ? /^-?\d+(\.\d+)?$/ : /^-?\d+$/;
      if (!pattern.test(String(value).trim())) errors[id] = wrap.dataset.decimal ? "Please enter a number." : "Please enter a whole number.";
      else if (wrap.dataset.min !== "" && number < Number(wrap.dataset.min)) errors[id] = `Please enter a number of at least ${wrap.dataset.min}.`;
      else if (wrap.dataset.max !== "" && number > Number(wrap.dataset.max)) errors[id] = `Please enter a number no more than ${wrap.dataset.max}.`;
    }
  }
  return errors;
}

export function showErrors(root, errors) {
  for (const wrap of root.querySelectorAll(".input-block")) {
    const message = errors?.[wrap.dataset.blockId];
    wrap.classList.toggle("has-error", Boolean(message));
    wrap.querySelector(".input-error").textContent = message || "";
  }
  const banner = root.querySelector(".modal-banner");
  const unplaced = Object.keys(errors || {}).filter((k) => !root.querySelector(`.input-block[data-block-id="${CSS.escape(k)}"]`));
  banner.textContent = unplaced.length ? unplaced.map((k) => `${k}: ${errors[k]}`).join(" · ") : "";
  banner.hidden = !unplaced.length;
}

export function setBanner(root, message) {
  const banner = root.querySelector(".modal-banner");
  banner.textContent = message || "";
  banner.hidden = !message;
}

// The modal element. handlers: {submit(values), close(everything)}; ctx as for blocks.
export function renderModal(view, depth, ctx, handlers) {
  const overlay = el("div", "overlay");
  const modal = el("div", "modal");
  modal.dataset.testid = "modal";
  modal.dataset.viewId = view.id;
  modal.setAttribute("role", "dialog");
  modal.setAttribute("aria-modal", "true");
  const head = el("div", "modal-head");
  if (depth > 1) {
    const back = el("button", "icon-btn modal-back", "←");
    back.type = "button";
    back.title = "Back";
    back.addEventListener("click", () => handlers.close(false));
    head.append(back);
  }
  const title = el("h2", "modal-title");
  title.append(renderPlain(view.title));
  const x = el("button", "icon-btn modal-x", "✕");
  x.type = "button";
  x.title = "Close";
  x.dataset.testid = "modal-x";
  x.addEventListener("click", () => handlers.close(true));
  head.append(title, x);
  const body = el("div", "modal-body");
  body.append(renderBlocks(view.blocks, { ...ctx, renderInput: (b, i) => renderInput(b, i, ctx) }));
  const banner = el("div", "modal-banner");
  banner.hidden = true;
  const foot = el("div", "modal-foot");
  const cancel = el("button", "sk-btn", view.close?.text || (view.submit ? "Cancel" : "Close"));
  cancel.type = "button";
  cancel.dataset.testid = "modal-cancel";
  cancel.addEventListener("click", () => handlers.close(false));
  foot.append(cancel);
  if (view.submit) {
    const submit = el("button", "sk-btn primary", view.submit.text);
    submit.type = "button";
    submit.dataset.testid = "modal-submit";
    submit.addEventListener("click", async () => {
      const local = clientErrors(modal);
      showErrors(modal, local);
      if (Object.keys(local).length) return;
      submit.disabled = true;
      try { await handlers.submit(gatherValues(modal)); } finally { submit.disabled = false; }
    });
    foot.append(submit);
  }
  modal.append(head, body, banner, foot);
  overlay.append(modal);
  overlay.addEventListener("keydown", (ev) => { if (ev.key === "Escape") handlers.close(true); });
  return overlay;
}
