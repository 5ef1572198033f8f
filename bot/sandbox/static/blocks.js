// Block Kit → DOM, generically: whatever the bot sends renders without sandbox changes.
// ctx: {me, userName, channelName, users, source, onAction(source, blockIndex, elementIndex, value),
//       renderInput?(block, index) for modals}.
import { emojify, renderMrkdwn, renderPlain, renderText, safeUrl } from "./mrkdwn.js";

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function imageSrc(obj) {
  if (!obj) return null;
  if (obj.slack_file) {
    if (obj.slack_file.id) return `/files/${encodeURIComponent(obj.slack_file.id)}`;
    return obj.slack_file.url ? safeUrl(obj.slack_file.url) : null;
  }
  return obj.image_url ? safeUrl(obj.image_url) : null;
}

function image(obj, className) {
  const src = imageSrc(obj);
  if (!src) return el("span", "img-missing", `[image: ${obj.alt_text || "no source"}]`);
  const img = el("img", className);
  img.src = src;
  img.alt = obj.alt_text || "";
  img.loading = "lazy";
  img.addEventListener("error", () => img.replaceWith(el("span", "img-missing",
    `[image: ${obj.alt_text || "unavailable offline"}]`)));
  if (className !== "context-image") zoomable(img);
  return img;
}

// Like Slack, clicking an image shows it full size over everything; a click or Escape closes it.
export function zoomable(img) {
  img.classList.add("zoomable");
  img.addEventListener("click", () => {
    const overlay = el("div", "overlay lightbox");
    overlay.dataset.testid = "lightbox";
    const big = el("img", "lightbox-image");
    big.src = img.src;
    big.alt = img.alt;
    const caption = el("div", "lightbox-caption", img.alt);
    const close = () => { overlay.remove(); document.removeEventListener("keydown", onKey); };
    const onKey = (ev) => { if (ev.key === "Escape") close(); };
    overlay.addEventListener("click", close);
    document.addEventListener("keydown", onKey);
    overlay.append(big, caption);
    document.body.append(overlay);
  });
}

// --- dialogs and menus (shared with app.js) -------------------------------------------------
export function closeMenus() {
  document.querySelectorAll(".menu").forEach((m) => m.remove());
}

export function showMenu(anchor, items) {
  closeMenus();
  const menu = el("div", "menu");
  menu.setAttribute("role", "menu");
  for (const item of items) {
    const entry = el("button", "menu-item" + (item.danger ? " danger" : ""));
    entry.type = "button";
    entry.append(el("span", "menu-label", item.label));
    if (item.detail) entry.append(el("span", "menu-detail", item.detail));
    if (item.testid) entry.dataset.testid = item.testid;
    entry.addEventListener("click", (ev) => { ev.stopPropagation(); closeMenus(); item.onClick(); });
    menu.append(entry);
  }
  document.body.append(menu);
  const rect = anchor.getBoundingClientRect();
  const top = Math.min(rect.bottom + 4, window.innerHeight - menu.offsetHeight - 8);
  const left = Math.min(rect.left, window.innerWidth - menu.offsetWidth - 8);
  menu.style.top = `${Math.max(8, top)}px`;
  menu.style.left = `${Math.max(8, left)}px`;
  setTimeout(() => document.addEventListener("click", closeMenus, { once: true }), 0);
}

export function confirmDialog(confirm, ctx, onYes, onNo = () => {}) {
  const overlay = el("div", "overlay confirm-overlay");
  const box = el("div", "confirm");
  box.dataset.testid = "confirm";
  box.append(el("h3", "confirm-title", confirm.title?.text || "Are you sure?"));
  const body = el("div", "confirm-text");
  body.append(renderText(confirm.text, ctx));
  const buttons = el("div", "confirm-buttons");
  const no = el("button", "sk-btn", confirm.deny?.text || "Cancel");
  const yes = el("button", "sk-btn " + (confirm.style === "danger" ? "danger" : "primary"),
    confirm.confirm?.text || "Yes");
  no.type = yes.type = "button";
  no.dataset.testid = "confirm-deny";
  yes.dataset.testid = "confirm-yes";
  const close = () => { overlay.remove(); document.removeEventListener("keydown", onKey, true); };
  const onKey = (ev) => { if (ev.key === "Escape") { ev.stopPropagation(); close(); onNo(); } };
  document.addEventListener("keydown", onKey, true); // Esc is Cancel, as in Slack
  no.addEventListener("click", () => { close(); onNo(); });
  yes.addEventListener("click", () => { close(); onYes(); });
  buttons.append(no, yes);
  box.append(body, buttons);
  overlay.append(box);
  document.body.append(overlay);
  yes.focus();
}

// --- elements -------------------------------------------------------------------------
function optionsOf(element) {
  const groups = element.option_groups
    ? element.option_groups.map((g) => ({ label: g.label?.text || "", options: g.options || [] }))
    : [{ label: null, options: element.options || [] }];
  return groups;
}

export function fillSelect(select, element, ctx, { placeholder = true, users = false } = {}) {
  if (placeholder && !element.initial_option && !element.initial_user) {
    const ph = el("option", "", element.placeholder?.text || "Select an item");
    ph.value = "";
    ph.disabled = true;
    ph.selected = true;
    select.append(ph);
  }
  if (users) {
    for (const user of ctx.users.filter((u) => !u.is_bot)) {
      const opt = el("option", "", user.name);
      opt.value = user.id;
      opt.selected = user.id === element.initial_user
        || (element.initial_users || []).includes(user.id);
      select.append(opt);
    }
    return;
  }
  const initial = new Set([element.initial_option?.value,
    ...(element.initial_options || []).map((o) => o.value)].filter((v) => v !== undefined));
  for (const group of optionsOf(element)) {
    const parent = group.label === null ? select : el("optgroup");
    if (group.label !== null) { parent.label = group.label; select.append(parent); }
    for (const option of group.options) {
      const opt = el("option", "", emojify(option.text?.text || option.value));
      opt.value = option.value;
      opt.selected = initial.has(option.value);
      parent.append(opt);
    }
  }
}

// Radio buttons or checkboxes (kind "radio" or "checkbox"), in a message or a modal; onChange
// only where a pick acts at once (a message), not in a modal (read on submit).
export function choiceList(element, kind, name, ctx, onChange) {
  const wrap = el("div", "choices");
  const initial = new Set([element.initial_option?.value,
    ...(element.initial_options || []).map((o) => o.value)].filter((v) => v !== undefined));
  for (const option of element.options || []) {
    const label = el("label", "choice");
    const input = el("input");
    input.type = kind;
    input.name = name;
    input.value = option.value;
    input.checked = initial.has(option.value);
    if (onChange) input.addEventListener("change", onChange);
    const text = el("span", "choice-text");
    text.append(renderText(option.text, ctx));
    if (option.description) {
      const desc = el("span", "choice-desc");
      desc.append(renderText(option.description, ctx));
      text.append(desc);
    }
    label.append(input, text);
    wrap.append(label);
  }
  return wrap;
}

let uniq = 0;
export function uniqueName(prefix) { uniq += 1; return `${prefix}-${uniq}`; }

export function checkedValues(root) {
  return [...root.querySelectorAll("input:checked")].map((i) => i.value);
}

// Links to the workspace's own messages (permalinks) open inside the page, as in Slack's
// client; app.js sets the handler. Anything else opens in a new tab.
let linkHandler = () => false;
export function setLinkHandler(handler) { linkHandler = handler; }

export function openLink(url) {
  const safe = url && safeUrl(url);
  if (safe && !linkHandler(safe)) window.open(safe, "_blank", "noopener,noreferrer");
}

export function renderElement(element, bi, ei, ctx) {
  const act = (value) => ctx.onAction(ctx.source, bi, ei, value);
  switch (element.type) {
    case "button": {
      const btn = el("button", "sk-btn" + (element.style ? ` ${element.style}` : ""));
      btn.type = "button";
      btn.append(renderPlain(element.text));
      btn.dataset.actionId = element.action_id || "";
      btn.addEventListener("click", () => {
        const go = () => {
          openLink(element.url);
          act(element.value);
        };
        if (element.confirm) confirmDialog(element.confirm, ctx, go); else go();
      });
      return btn;
    }
    case "static_select": case "external_select": case "users_select": {
      const select = el("select", "sk-select");
      select.dataset.actionId = element.action_id || "";
      fillSelect(select, element, ctx, { users: element.type === "users_select" });
      let previous = select.value;
      select.addEventListener("change", () => {
        const go = () => { previous = select.value; act(select.value); };
        if (element.confirm) confirmDialog(element.confirm, ctx, go, () => { select.value = previous; }); else go();
      });
      return select;
    }
    case "overflow": {
      const btn = el("button", "sk-btn overflow", "⋯");
      btn.type = "button";
      btn.title = "More";
      btn.dataset.actionId = element.action_id || "";
      btn.addEventListener("click", (ev) => {
        ev.stopPropagation();
        showMenu(btn, (element.options || []).map((o) => ({
          label: emojify(o.text?.text || o.value),
          onClick: () => {
            const go = () => { openLink(o.url); act(o.value); };
            if (element.confirm) confirmDialog(element.confirm, ctx, go); else go();
          },
        })));
      });
      return btn;
    }
    case "datepicker": case "timepicker": {
      const input = el("input", "sk-input");
      input.type = element.type === "datepicker" ? "date" : "time";
      input.value = element.initial_date || element.initial_time || "";
      input.addEventListener("change", () => act(input.value));
      return input;
    }
    case "checkboxes": case "radio_buttons": {
      const kind = element.type === "checkboxes" ? "checkbox" : "radio";
      let list = null;
      list = choiceList(element, kind, uniqueName("c"), ctx, (ev) =>
        act(kind === "checkbox" ? checkedValues(list) : ev.target.value));
      return list;
    }
    case "image":
      return image(element, "element-image");
    default:
      return el("span", "unsupported", `[${element.type} is not shown in the sandbox]`);
  }
}

// --- rich_text (what people's own messages are made of) ---------------------------------
function richElements(elements, ctx) {
  const out = [];
  for (const item of elements || []) {
    let node;
    if (item.type === "text") {
      node = document.createTextNode(item.text || "");
      const style = item.style || {};
      for (const [flag, tag] of [["code", "code"], ["bold", "b"], ["italic", "i"], ["strike", "s"]]) {
        if (style[flag]) { const wrap = el(tag); wrap.append(node); node = wrap; }
      }
    } else if (item.type === "link") {
      const href = safeUrl(item.url || "");
      node = href ? el("a", "link", item.text || item.url) : document.createTextNode(item.text || item.url || "");
      if (href) { node.href = href; node.target = "_blank"; node.rel = "noopener noreferrer"; }
    } else if (item.type === "user") {
      node = el("span", "mention" + (item.user_id === ctx.me ? " mention-me" : ""), "@" + ctx.userName(item.user_id));
    } else if (item.type === "channel") {
      node = el("span", "mention", "#" + ctx.channelName(item.channel_id));
    } else if (item.type === "emoji") {
      node = document.createTextNode(emojify(`:${item.name}:`));
    } else if (item.type === "broadcast") {
      node = el("span", "mention mention-broadcast", "@" + item.range);
    } else {
      node = document.createTextNode("");
    }
    out.push(node);
  }
  return out;
}

function richText(block, ctx) {
  const root = el("div", "block-rich mrkdwn");
  for (const part of block.elements || []) {
    if (part.type === "rich_text_section") {
      const div = el("div"); div.append(...richElements(part.elements, ctx)); root.append(div);
    } else if (part.type === "rich_text_preformatted") {
      const pre = el("pre", "mrkdwn-pre"); pre.append(...richElements(part.elements, ctx)); root.append(pre);
    } else if (part.type === "rich_text_quote") {
      const q = el("blockquote", "mrkdwn-quote"); q.append(...richElements(part.elements, ctx)); root.append(q);
    } else if (part.type === "rich_text_list") {
      const list = el(part.style === "ordered" ? "ol" : "ul");
      for (const item of part.elements || []) {
        const li = el("li"); li.append(...richElements(item.elements, ctx)); list.append(li);
      }
      root.append(list);
    }
  }
  return root;
}

// --- blocks ---------------------------------------------------------------------------
function textDiv(className, textObject, ctx) {
  const div = el("div", className + (textObject?.type === "mrkdwn" ? " mrkdwn" : ""));
  div.append(renderText(textObject, ctx));
  return div;
}

export function renderBlock(block, bi, ctx) {
  switch (block.type) {
    case "header":
      return textDiv("block-header", block.text, ctx);
    case "divider":
      return el("hr", "block-divider");
    case "section": {
      const root = el("div", "block-section");
      const main = el("div", "section-main");
      if (block.text) main.append(textDiv("section-text", block.text, ctx));
      if (block.fields) {
        const fields = el("div", "section-fields");
        for (const field of block.fields) fields.append(textDiv("section-field", field, ctx));
        main.append(fields);
      }
      root.append(main);
      if (block.accessory) {
        const acc = el("div", "section-accessory");
        acc.append(renderElement(block.accessory, bi, -1, ctx));
        root.append(acc);
      }
      return root;
    }
    case "context": {
      const root = el("div", "block-context");
      for (const item of block.elements || []) {
        if (item.type === "image") root.append(image(item, "context-image"));
        else root.append(textDiv("context-text", item, ctx));
      }
      return root;
    }
    case "actions": {
      const root = el("div", "block-actions");
      (block.elements || []).forEach((element, ei) => root.append(renderElement(element, bi, ei, ctx)));
      return root;
    }
    case "image": {
      const root = el("figure", "block-image");
      if (block.title) root.append(textDiv("image-title", block.title, ctx));
      root.append(image(block, "image-full"));
      return root;
    }
    case "input":
      if (ctx.renderInput) return ctx.renderInput(block, bi);
      return textDiv("block-input-label", block.label, ctx);
    case "rich_text":
      return richText(block, ctx);
    default:
      return el("div", "unsupported", `[${block.type} block is not shown in the sandbox]`);
  }
}

export function renderBlocks(blocks, ctx) {
  const root = el("div", "blocks");
  (blocks || []).forEach((block, bi) => {
    const node = renderBlock(block, bi, ctx);
    if (block.block_id) node.dataset.blockId = block.block_id;
    root.append(node);
  });
  return root;
}

export { renderMrkdwn };
